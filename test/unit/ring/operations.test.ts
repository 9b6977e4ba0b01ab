import { describe, expect, it } from 'vitest';
import { member } from '../../../lib/ring/members.js';
import { MemoryRingStore } from '../../../lib/ring/memory-ring-store.js';
import {
  addMember,
  changeRing,
  createRing,
  drain,
  markDown,
  removeMember,
  restore,
  reweight,
} from '../../../lib/ring/operations.js';
import type { RingStore, RingWrite } from '../../../lib/ring/ring-store.js';

const vnodes = 64;
const noWait = { sleep: async () => {}, vnodes };

async function ringWith(ids: string[]): Promise<MemoryRingStore> {
  const store = new MemoryRingStore();
  await createRing(
    store,
    'r',
    ids.map((id) => member(id)),
  );
  return store;
}

/** Wraps a store so that, before each of the first `times` writes, another writer sneaks in a change. */
function interfering(
  store: RingStore,
  times: number,
  sneak: (store: RingStore) => Promise<unknown>,
): RingStore {
  let left = times;
  return {
    read: (id) => store.read(id),
    readVersion: (id) => store.readVersion(id),
    create: (id, members, at) => store.create(id, members, at),
    async write(id: string, expected: number, write: RingWrite) {
      if (left > 0) {
        left--;
        await sneak(store);
      }
      return store.write(id, expected, write);
    },
  };
}

describe('ring operations', () => {
  it('creates a ring and refuses to create it twice', async () => {
    const store = new MemoryRingStore();
    expect(await createRing(store, 'r', [member('a')])).toEqual({ version: 1 });
    await expect(createRing(store, 'r', [member('b')])).rejects.toMatchObject({ name: 'RingExistsError' });
  });

  it('adds members (creating the ring), bumping the version, and plans what moves', async () => {
    const store = new MemoryRingStore();
    const first = await addMember(store, 'r', { id: 'a' }, noWait);
    expect(first.version).toBe(1);
    expect(first.plan.transfers).toEqual([{ from: null, to: 'a', fraction: 1, ranges: 1 }]);
    const second = await addMember(store, 'r', { id: 'b' }, noWait);
    expect(second.version).toBe(2);
    expect(second.plan.transfers.map((t) => [t.from, t.to])).toEqual([['a', 'b']]);
    expect(second.plan.movedFraction).toBeGreaterThan(0.3);
    expect(second.plan).not.toHaveProperty('ranges');
    const again = await addMember(store, 'r', { id: 'b' }, noWait);
    expect(again).toMatchObject({ version: 2, changed: false, plan: { movedFraction: 0, transfers: [] } });
  });

  it('drains, marks down and restores, returning the version and the plan', async () => {
    const store = await ringWith(['a', 'b', 'c']);
    const drained = await drain({ store, ringId: 'r', nodeId: 'b', ...noWait, includeRanges: true });
    expect(drained.version).toBe(2);
    expect(drained.plan.transfers.every((t) => t.from === 'b')).toBe(true);
    expect(drained.plan.movedFraction).toBeGreaterThan(0.2);
    expect((await store.read('r'))?.members.find((m) => m.id === 'b')?.state).toBe('draining');

    const down = await markDown({ store, ringId: 'r', nodeId: 'b', ...noWait });
    expect(down.version).toBe(3);
    expect(down.plan.movedFraction).toBe(0); // draining → down moves nothing: neither owns keys

    const back = await restore({ store, ringId: 'r', nodeId: 'b', ...noWait });
    expect(back.version).toBe(4);
    expect(back.plan.transfers.every((t) => t.to === 'b')).toBe(true);
    expect(back.plan.movedFraction).toBeCloseTo(drained.plan.movedFraction, 12);
  });

  it('is idempotent for a retried step', async () => {
    const store = await ringWith(['a', 'b']);
    await drain({ store, ringId: 'r', nodeId: 'a', ...noWait });
    const writes = store.calls.write;
    const retried = await drain({ store, ringId: 'r', nodeId: 'a', ...noWait });
    expect(retried).toMatchObject({ version: 2, changed: false });
    expect(store.calls.write).toBe(writes);
    expect(await removeMember(store, 'r', 'zz', noWait)).toMatchObject({ version: 2, changed: false });
  });

  it('fails with typed errors for a missing ring or member', async () => {
    const store = await ringWith(['a']);
    await expect(drain({ store, ringId: 'nope', nodeId: 'a' })).rejects.toMatchObject({
      name: 'RingNotFoundError',
    });
    await expect(markDown({ store, ringId: 'r', nodeId: 'x' })).rejects.toMatchObject({
      name: 'MemberNotFoundError',
    });
    await expect(reweight(store, 'r', 'a', -1)).rejects.toMatchObject({ name: 'InvalidMemberError' });
  });

  it('re-reads and re-applies on a version conflict, losing nobody’s update', async () => {
    const base = await ringWith(['a', 'b']);
    const store = interfering(base, 2, (s) => addMember(s, 'r', { id: `sneaky-${Math.random()}` }, noWait));
    const result = await drain({ store, ringId: 'r', nodeId: 'a', ...noWait });
    expect(result.version).toBe(4); // created 1, two sneaky adds → 3, our drain → 4
    const record = await base.read('r');
    expect(record?.members.filter((m) => m.id.startsWith('sneaky-'))).toHaveLength(2);
    expect(record?.members.find((m) => m.id === 'a')?.state).toBe('draining');
  });

  it('gives up with RingContentionError after maxAttempts conflicts', async () => {
    const base = await ringWith(['a', 'b']);
    let n = 0;
    const store = interfering(base, 100, (s) => addMember(s, 'r', { id: `x${n++}` }, noWait));
    await expect(drain({ store, ringId: 'r', nodeId: 'a', ...noWait, maxAttempts: 3 })).rejects.toMatchObject(
      {
        name: 'RingContentionError',
        attempts: 3,
      },
    );
  });

  it('backs off with jitter between attempts', async () => {
    const base = await ringWith(['a', 'b']);
    const slept: number[] = [];
    const store = interfering(base, 3, (s) =>
      addMember(s, 'r', { id: `y${slept.length}-${Math.random()}` }, noWait),
    );
    await drain({
      store,
      ringId: 'r',
      nodeId: 'a',
      vnodes,
      random: () => 0.5,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(slept).toEqual([10, 20, 40]);
  });

  describe('fencing', () => {
    const fence = (token: number) => ({ resource: 'incident/res-1', token });

    it('records the token, accepts equal and newer ones, and refuses older ones', async () => {
      const store = await ringWith(['a', 'b', 'c']);
      await drain({ store, ringId: 'r', nodeId: 'a', fence: fence(7), ...noWait });
      expect((await store.read('r'))?.fences).toEqual({ 'incident/res-1': 7 });
      await restore({ store, ringId: 'r', nodeId: 'a', fence: fence(7), ...noWait });
      const stale = drain({ store, ringId: 'r', nodeId: 'b', fence: fence(6), ...noWait });
      await expect(stale).rejects.toMatchObject({ name: 'StaleFencingTokenError', token: 6, highestSeen: 7 });
      expect((await store.read('r'))?.members.every((m) => m.state === 'up')).toBe(true);
      await markDown({ store, ringId: 'r', nodeId: 'b', fence: fence(8), ...noWait });
      expect((await store.read('r'))?.fences).toEqual({ 'incident/res-1': 8 });
    });

    it('refuses a stale token even when the change is already in place', async () => {
      const store = await ringWith(['a', 'b']);
      await drain({ store, ringId: 'r', nodeId: 'a', fence: fence(5), ...noWait });
      await expect(
        drain({ store, ringId: 'r', nodeId: 'a', fence: fence(4), ...noWait }),
      ).rejects.toMatchObject({
        name: 'StaleFencingTokenError',
      });
    });

    it('advances a newer token without bumping the version when nothing else changes', async () => {
      const store = await ringWith(['a', 'b']);
      await drain({ store, ringId: 'r', nodeId: 'a', fence: fence(5), ...noWait });
      const again = await drain({ store, ringId: 'r', nodeId: 'a', fence: fence(9), ...noWait });
      expect(again).toMatchObject({ version: 2, changed: false });
      expect((await store.read('r'))?.fences['incident/res-1']).toBe(9);
    });

    it('refuses when a newer holder fences between our read and our write', async () => {
      const base = await ringWith(['a', 'b']);
      // The newer holder's write lands after our read: our conditional write must fail on the fence.
      const store = interfering(base, 1, (s) =>
        changeRing(s, 'r', { kind: 'reweight', id: 'b', weight: 2 }, { fence: fence(10), ...noWait }),
      );
      await expect(
        drain({ store, ringId: 'r', nodeId: 'a', fence: fence(9), ...noWait }),
      ).rejects.toMatchObject({
        name: 'StaleFencingTokenError',
        highestSeen: 10,
      });
      expect((await base.read('r'))?.members.find((m) => m.id === 'a')?.state).toBe('up');
    });
  });
});
