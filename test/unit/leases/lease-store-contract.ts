import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Lease, LeaseKey, LeaseRecord, LeaseStore } from '../../../lib/leases/index.js';

/**
 * The contract every `LeaseStore` adapter meets, run against the in-memory store (unit) and DynamoDB Local
 * (integration). `readGuarded` reads back a fenced item as plain data.
 */
export function describeLeaseStoreContract(
  name: string,
  store: () => LeaseStore,
  readGuarded: (key: { pk: string; sk: string }) => Promise<Record<string, unknown> | undefined>,
): void {
  const fresh = (): LeaseKey => ({ resource: `res-${randomUUID()}` });
  const write = (nonce: string, extra = {}) => ({
    owner: `o-${nonce}`,
    nonce,
    leaseMs: 1000,
    expiresAtWallMs: 5000,
    ...extra,
  });
  const asLease = (key: LeaseKey, r: LeaseRecord): Lease => ({
    ...key,
    owner: r.owner,
    token: r.token,
    nonce: r.nonce,
    beat: r.beat,
    leaseMs: r.leaseMs,
    validity: { clockId: 'x', validUntilMonotonicMs: 0, validUntilWallMs: 0 },
  });
  const ok = (o: { ok: boolean; record?: LeaseRecord }): LeaseRecord => {
    expect(o.ok).toBe(true);
    return o.record as LeaseRecord;
  };

  describe(`LeaseStore contract: ${name}`, () => {
    it('acquires an absent lease with token 1 and returns the old item when held', async () => {
      const key = fresh();
      const first = ok(await store().acquire(key, write('n1')));
      expect(first).toMatchObject({
        token: 1,
        nonce: 'n1',
        beat: 0,
        released: false,
        owner: 'o-n1',
        leaseMs: 1000,
      });
      const second = await store().acquire(key, write('n2'));
      expect(second).toEqual({ ok: false, current: first });
    });

    it('takes over only the exact observed incarnation and bumps the token', async () => {
      const key = fresh();
      const first = ok(await store().acquire(key, write('n1')));
      const wrongBeat = await store().acquire(
        key,
        write('n2', { takeover: { token: 1, nonce: 'n1', beat: 7 } }),
      );
      expect(wrongBeat.ok).toBe(false);
      const taken = ok(
        await store().acquire(key, write('n2', { takeover: { token: 1, nonce: 'n1', beat: first.beat } })),
      );
      expect(taken.token).toBe(2);
    });

    it('renews only the exact incarnation, bumping beat', async () => {
      const key = fresh();
      const first = ok(await store().acquire(key, write('n1')));
      expect(ok(await store().renew(key, first, 9000))).toMatchObject({ beat: 1, expiresAtWallMs: 9000 });
      expect((await store().renew(key, { token: 1, nonce: 'other' }, 9000)).ok).toBe(false);
    });

    it('keeps the token across release and re-acquire; a stale release or renew touches nothing', async () => {
      const key = fresh();
      const first = ok(await store().acquire(key, write('n1')));
      expect(ok(await store().release(key, first)).released).toBe(true);
      expect((await store().renew(key, first, 1)).ok).toBe(false);
      const second = ok(await store().acquire(key, write('n2')));
      expect(second.token).toBe(2);
      expect((await store().release(key, first)).ok).toBe(false);
      expect((await store().renew(key, first, 1)).ok).toBe(false);
      expect(await store().read(key)).toEqual(second);
    });

    it('allows the wall-clock branch only past the stored expiry', async () => {
      const key = fresh();
      ok(await store().acquire(key, write('n1', { expiresAtWallMs: 5000 })));
      expect((await store().acquire(key, write('n2', { wallCutoffMs: 4999 }))).ok).toBe(false);
      expect(ok(await store().acquire(key, write('n2', { wallCutoffMs: 5000 }))).token).toBe(2);
    });

    it('keeps semaphore slots apart from each other and from the plain lease', async () => {
      const resource = `pool-${randomUUID()}`;
      ok(await store().acquire({ resource }, write('a')));
      expect(ok(await store().acquire({ resource, slot: 0 }, write('b'))).token).toBe(1);
      expect(ok(await store().acquire({ resource, slot: 1 }, write('c'))).token).toBe(1);
      expect((await store().read({ resource, slot: 1 }))?.nonce).toBe('c');
    });

    it('fences writes: current lease and highest token only, once per request token', async () => {
      const key = fresh();
      const guarded = { pk: `guarded#${key.resource}`, sk: 'state' };
      const first = asLease(key, ok(await store().acquire(key, write('n1'))));
      await store().fencedWrite(
        first,
        { key: guarded, set: { step: 'a' }, append: { log: [1] }, add: { n: 1 } },
        'req-1',
      );
      await store().fencedWrite(
        first,
        { key: guarded, set: { step: 'a' }, append: { log: [1] }, add: { n: 1 } },
        'req-1',
      );
      expect(await readGuarded(guarded)).toMatchObject({ step: 'a', log: [1], n: 1, fenceToken: 1 });

      const second = asLease(
        key,
        ok(await store().acquire(key, write('n2', { takeover: { token: 1, nonce: 'n1', beat: 0 } }))),
      );
      await expect(
        store().fencedWrite(first, { key: guarded, set: { step: 'late' } }, 'req-2'),
      ).rejects.toMatchObject({
        name: 'LeaseLostError',
      });
      await store().fencedWrite(second, { key: guarded, set: { step: 'b' } }, 'req-3');
      expect(await readGuarded(guarded)).toMatchObject({ step: 'b', fenceToken: 2 });

      // A holder of another lease item guarding the same target with a lower token is refused by the target.
      const other = { resource: `other-${randomUUID()}` };
      const low = asLease(other, ok(await store().acquire(other, write('n3'))));
      await expect(
        store().fencedWrite(low, { key: guarded, set: { step: 'x' } }, 'req-4'),
      ).rejects.toMatchObject({
        name: 'StaleFencingTokenError',
        token: 1,
        seenToken: 2,
      });
    });
  });
}
