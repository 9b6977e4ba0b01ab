import { beforeEach, describe, expect, it } from 'vitest';
import { clearRingCache, getRing } from '../../../lib/ring/cache.js';
import { member } from '../../../lib/ring/members.js';
import { MemoryRingStore } from '../../../lib/ring/memory-ring-store.js';
import { addMember, createRing, removeMember } from '../../../lib/ring/operations.js';

const vnodes = 64;

describe('getRing', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clearRingCache();
    clock = 1_000;
  });

  it('builds once, then serves from module scope without reading for maxAgeMs', async () => {
    const store = new MemoryRingStore();
    await createRing(store, 'r', [member('a'), member('b')]);
    const first = await getRing(store, 'r', { now, vnodes });
    expect(first.version).toBe(1);
    expect(store.calls.read).toBe(1);
    clock += 4_999;
    const second = await getRing(store, 'r', { now, vnodes });
    expect(second).toBe(first);
    expect(store.calls).toMatchObject({ read: 1, readVersion: 0 });
    expect(second.lookup('k')).toBe(second.ring.lookup('k'));
    expect(second.preferenceList('k', 2)).toHaveLength(2);
  });

  it('revalidates with one version read after maxAgeMs and keeps the ring if unchanged', async () => {
    const store = new MemoryRingStore();
    await createRing(store, 'r', [member('a')]);
    const first = await getRing(store, 'r', { now, vnodes });
    clock += 5_000;
    expect(await getRing(store, 'r', { now, vnodes })).toBe(first);
    expect(store.calls).toMatchObject({ read: 1, readVersion: 1 });
    clock += 1_000; // just revalidated: no read again yet
    await getRing(store, 'r', { now, vnodes });
    expect(store.calls).toMatchObject({ read: 1, readVersion: 1 });
  });

  it('rebuilds when the version moved', async () => {
    const store = new MemoryRingStore();
    await createRing(store, 'r', [member('a')]);
    await getRing(store, 'r', { now, vnodes });
    await addMember(store, 'r', { id: 'b' }, { vnodes });
    clock += 5_000;
    const fresh = await getRing(store, 'r', { now, vnodes });
    expect(fresh.version).toBe(2);
    expect(fresh.ring.ownerIds).toEqual(['a', 'b']);
    expect(store.calls).toMatchObject({ readVersion: 1 });
  });

  it('shares one refresh between concurrent callers', async () => {
    const store = new MemoryRingStore();
    await createRing(store, 'r', [member('a')]);
    const rings = await Promise.all([1, 2, 3].map(() => getRing(store, 'r', { now, vnodes })));
    expect(new Set(rings).size).toBe(1);
    expect(store.calls.read).toBe(1);
  });

  it('throws RingNotFoundError for a missing ring', async () => {
    const store = new MemoryRingStore();
    await expect(getRing(store, 'missing', { now })).rejects.toMatchObject({ name: 'RingNotFoundError' });
  });

  it('never lets a stale cached ring write: writes re-read and condition on the stored version', async () => {
    const store = new MemoryRingStore();
    await createRing(store, 'r', [member('a'), member('b')]);
    const cached = await getRing(store, 'r', { now, vnodes });
    await addMember(store, 'r', { id: 'c' }, { vnodes }); // another process moves the ring to version 2
    // Within maxAgeMs this process still serves version 1 ...
    expect((await getRing(store, 'r', { now, vnodes })).version).toBe(1);
    // ... but a write conditioned on what the cache holds is refused,
    const write = await store.write('r', cached.version, {
      members: cached.ring.members.filter((m) => m.id !== 'a'),
      version: cached.version + 1,
      updatedAt: new Date(0).toISOString(),
    });
    expect(write).toEqual({ kind: 'conflict' });
    // and the operations never start from the cache: this removal keeps the other process's 'c'.
    const removed = await removeMember(store, 'r', 'a', { vnodes });
    expect(removed.version).toBe(3);
    expect((await store.read('r'))?.members.map((m) => m.id)).toEqual(['b', 'c']);
  });
});
