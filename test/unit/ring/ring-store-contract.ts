import { describe, expect, it } from 'vitest';
import { member } from '../../../lib/ring/members.js';
import type { RingStore } from '../../../lib/ring/ring-store.js';

/**
 * The behaviour every `RingStore` adapter must share; run against the in-memory store (unit) and DynamoDB
 * Local (integration). `makeStore` is called per test; ring ids are unique per test so stores may be shared.
 */
export function ringStoreContract(name: string, makeStore: () => RingStore): void {
  let counter = 0;
  const ringId = () => `contract-${Date.now().toString(36)}-${counter++}`;
  const at = '2026-01-01T00:00:00.000Z';

  describe(`RingStore contract: ${name}`, () => {
    it('reads nothing for a ring that does not exist', async () => {
      const store = makeStore();
      const id = ringId();
      expect(await store.read(id)).toBeUndefined();
      expect(await store.readVersion(id)).toBeUndefined();
    });

    it('creates a ring once at version 1 and reads it back', async () => {
      const store = makeStore();
      const id = ringId();
      const members = [member('b', 2), member('a'), member('c', 1, 'down')];
      expect(await store.create(id, members, at)).toEqual({ kind: 'created', version: 1 });
      expect(await store.create(id, [member('z')], at)).toEqual({ kind: 'exists' });
      const record = await store.read(id);
      expect(record?.version).toBe(1);
      expect(record?.members.map((m) => [m.id, m.weight, m.state])).toEqual([
        ['a', 1, 'up'],
        ['b', 2, 'up'],
        ['c', 1, 'down'],
      ]);
      expect(record?.fences).toEqual({});
      expect(await store.readVersion(id)).toBe(1);
    });

    it('writes only on the expected version', async () => {
      const store = makeStore();
      const id = ringId();
      await store.create(id, [member('a')], at);
      const next = { members: [member('a'), member('b')], version: 2, updatedAt: at };
      expect(await store.write(id, 1, next)).toEqual({ kind: 'written', version: 2 });
      // A writer that still holds version 1 (a stale cache) is refused and changes nothing.
      expect(await store.write(id, 1, { members: [member('x')], version: 2, updatedAt: at })).toEqual({
        kind: 'conflict',
      });
      const record = await store.read(id);
      expect(record?.version).toBe(2);
      expect(record?.members.map((m) => m.id)).toEqual(['a', 'b']);
    });

    it('reports a missing ring on write', async () => {
      const store = makeStore();
      expect(await store.write(ringId(), 1, { members: [], version: 2, updatedAt: at })).toEqual({
        kind: 'missing',
      });
    });

    it('keeps the highest fencing token per resource and refuses lower ones', async () => {
      const store = makeStore();
      const id = ringId();
      await store.create(id, [member('a')], at);
      const write = (version: number, resource: string, token: number) =>
        store.write(id, version, {
          members: [member('a')],
          version,
          fence: { resource, token },
          updatedAt: at,
        });
      expect(await write(1, 'res-1', 5)).toEqual({ kind: 'written', version: 1 });
      expect(await write(1, 'res-1', 5)).toEqual({ kind: 'written', version: 1 }); // equal is the same holder
      expect(await write(1, 'res-1', 4)).toEqual({ kind: 'stale-fence', highestSeen: 5 });
      expect(await write(1, 'res-2', 1)).toEqual({ kind: 'written', version: 1 }); // resources are independent
      expect(await write(1, 'res-1', 9)).toEqual({ kind: 'written', version: 1 });
      expect((await store.read(id))?.fences).toEqual({ 'res-1': 9, 'res-2': 1 });
    });

    it('says conflict, not stale fence, when the version moved', async () => {
      const store = makeStore();
      const id = ringId();
      await store.create(id, [member('a')], at);
      await store.write(id, 1, { members: [member('a')], version: 2, updatedAt: at });
      const result = await store.write(id, 1, {
        members: [member('a')],
        version: 2,
        fence: { resource: 'r', token: 1 },
        updatedAt: at,
      });
      expect(result).toEqual({ kind: 'conflict' });
    });
  });
}
