import { describe, expect, it } from 'vitest';
import { NoAvailableMemberError } from '../../../lib/ring/errors.js';
import { type Member, member } from '../../../lib/ring/members.js';
import { murmur3 } from '../../../lib/ring/murmur3.js';
import { DEFAULT_VNODES, HashRing } from '../../../lib/ring/ring.js';
import { hasDuplicates, keyBalance, removalMovement, seededKeys } from './checkers.js';

const nodes = (n: number, prefix = 'node-'): Member[] =>
  Array.from({ length: n }, (_, i) => member(`${prefix}${i}`));

/** Reference lookup: binary search over the materialised tokens, independent of the jump table. */
function referenceOwner(ring: HashRing, tokens: Uint32Array, owners: Uint16Array, key: string): string {
  const h = murmur3(key);
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((tokens[mid] as number) < h) lo = mid + 1;
    else hi = mid;
  }
  return ring.ownerIds[owners[lo === tokens.length ? 0 : lo] as number] as string;
}

describe('HashRing', () => {
  it('looks keys up exactly as a binary search over the sorted tokens would', () => {
    for (const [n, vnodes] of [
      [1, 1],
      [3, 5],
      [10, 64],
      [40, DEFAULT_VNODES],
    ] as const) {
      const ring = HashRing.build(nodes(n), { vnodes });
      const { tokens, owners } = ring;
      for (const key of seededKeys(5_000, n))
        expect(ring.lookup(key)).toBe(referenceOwner(ring, tokens, owners, key));
    }
  });

  it('sorts tokens and gives each member vnodes × weight of them', () => {
    const ring = HashRing.build([member('a'), member('b', 2), member('c', 0.5)], { vnodes: 100 });
    const tokens = ring.tokens;
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThanOrEqual(tokens[i - 1] as number);
    const perOwner = new Map<string, number>();
    for (const o of ring.owners)
      perOwner.set(ring.ownerIds[o] as string, (perOwner.get(ring.ownerIds[o] as string) ?? 0) + 1);
    expect(Object.fromEntries(perOwner)).toEqual({ a: 100, b: 200, c: 50 });
  });

  const millionKeys = seededKeys(1_000_000, 0xbeef);

  it('balances 100 members within 5% over 1M seeded keys (default settings)', () => {
    const ring = HashRing.build(nodes(100));
    const keys = millionKeys;
    expect(keyBalance(keys, (k) => ring.lookup(k), 100)).toBeLessThanOrEqual(1.05);
    expect(ring.maxOverMean()).toBeLessThanOrEqual(1.035);
  });

  it('balance check catches a plain 160-vnode ring (negative control)', () => {
    const ring = HashRing.build(nodes(100), { vnodes: 160 });
    const keys = millionKeys;
    expect(keyBalance(keys, (k) => ring.lookup(k), 100)).toBeGreaterThan(1.05);
  });

  it('gives weighted members shares proportional to weight', () => {
    const ring = HashRing.build([member('a', 1), member('b', 2), member('c', 3), member('d', 1, 'down')]);
    const shares = ring.shares();
    expect([...shares.keys()]).toEqual(['a', 'b', 'c']);
    expect(shares.get('a')).toBeCloseTo(1 / 6, 2);
    expect(shares.get('b')).toBeCloseTo(2 / 6, 2);
    expect(shares.get('c')).toBeCloseTo(3 / 6, 2);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ring.maxOverMean()).toBeLessThan(1.03);
  });

  it('only up members own keys', () => {
    const ring = HashRing.build([member('a'), member('b', 1, 'draining'), member('c', 1, 'down')], {
      vnodes: 50,
    });
    for (const key of seededKeys(1_000, 1)) expect(ring.lookup(key)).toBe('a');
    expect(ring.preferenceList('x', 3)).toEqual(['a']);
  });

  it('throws NoAvailableMemberError when nobody is up', () => {
    const ring = HashRing.build([member('a', 1, 'down')]);
    expect(() => ring.lookup('k')).toThrow(NoAvailableMemberError);
    expect(() => ring.preferenceList('k', 2)).toThrow(
      expect.objectContaining({ name: 'NoAvailableMemberError' }),
    );
    expect(ring.segments()).toEqual([{ start: 0, end: 2 ** 32, owner: null }]);
  });

  it('returns preference lists of distinct members, owner first', () => {
    const ring = HashRing.build(nodes(12), { vnodes: 32 });
    for (const key of seededKeys(2_000, 7)) {
      const list = ring.preferenceList(key, 4);
      expect(list).toHaveLength(4);
      expect(hasDuplicates(list)).toBe(false);
      expect(list[0]).toBe(ring.lookup(key));
    }
    expect(ring.preferenceList('k', 50)).toHaveLength(12);
  });

  it('duplicate check catches a preference list that does not skip repeated owners (negative control)', () => {
    const ring = HashRing.build(nodes(3), { vnodes: 200 });
    const tokens = ring.tokens;
    const naive = (key: string, n: number): string[] => {
      let i = tokens.findIndex((t) => t >= murmur3(key));
      if (i < 0) i = 0;
      return Array.from(
        { length: n },
        (_, k) => ring.ownerIds[ring.owners[(i + k) % tokens.length] as number] as string,
      );
    };
    expect(seededKeys(200, 9).some((key) => hasDuplicates(naive(key, 3)))).toBe(true);
  });

  it('plans a removal that moves exactly the removed member keys (zero excess)', () => {
    const before = HashRing.build(nodes(20), { vnodes: 256 });
    const after = before.apply({ kind: 'remove', id: 'node-7' });
    const keys = seededKeys(100_000, 3);
    const movement = removalMovement(
      keys,
      (k) => before.lookup(k),
      (k) => after.lookup(k),
      'node-7',
    );
    expect(movement.excess).toBe(0);
    expect(movement.moved).toBe(keys.filter((k) => before.lookup(k) === 'node-7').length);

    const plan = before.plan({ kind: 'remove', id: 'node-7' });
    expect(plan.movedFraction).toBeCloseTo(before.shares().get('node-7') ?? 0, 12);
    for (const range of plan.ranges) expect(range.from).toBe('node-7');
    for (const key of keys.slice(0, 5_000)) {
      const h = murmur3(key);
      const inRange = plan.ranges.some((r) => h >= r.start && h < r.end);
      expect(inRange).toBe(before.lookup(key) !== after.lookup(key));
    }
  });

  it('excess check catches hash-mod-N placement (negative control)', () => {
    const ids = nodes(20).map((m) => m.id);
    const modN = (list: string[]) => (key: string) => list[murmur3(key) % list.length] as string;
    const keys = seededKeys(20_000, 5);
    const movement = removalMovement(keys, modN(ids), modN(ids.filter((id) => id !== 'node-7')), 'node-7');
    expect(movement.excess).toBeGreaterThan(0);
  });

  it('plans a drain as the removal it is, and a restore as its inverse', () => {
    const ring = HashRing.build(nodes(6), { vnodes: 64 });
    const drained = ring.plan({ kind: 'drain', id: 'node-2' });
    const removed = ring.plan({ kind: 'remove', id: 'node-2' });
    expect(drained.ranges).toEqual(removed.ranges);
    const restored = ring.apply({ kind: 'drain', id: 'node-2' }).plan({ kind: 'restore', id: 'node-2' });
    expect(restored.ranges).toEqual(drained.ranges.map((r) => ({ ...r, from: r.to, to: r.from })));
    expect(restored.transfers.every((t) => t.to === 'node-2')).toBe(true);
  });

  it('plans a reweight that moves keys only towards the heavier member', () => {
    const ring = HashRing.build(nodes(5), { vnodes: 128 });
    const plan = ring.plan({ kind: 'reweight', id: 'node-1', weight: 2 });
    expect(plan.transfers.every((t) => t.to === 'node-1' && t.from !== 'node-1')).toBe(true);
    expect(plan.movedFraction).toBeGreaterThan(0.1);
  });

  it('plans the first member taking the whole key space', () => {
    const plan = HashRing.build([]).plan({ kind: 'add', member: { id: 'a' } });
    expect(plan.transfers).toEqual([{ from: null, to: 'a', fraction: 1, ranges: 1 }]);
  });

  it('segments cover the key space in order', () => {
    const ring = HashRing.build(nodes(4), { vnodes: 16 });
    const segments = ring.segments();
    expect(segments[0]?.start).toBe(0);
    expect(segments.at(-1)?.end).toBe(2 ** 32);
    for (let i = 1; i < segments.length; i++) expect(segments[i]?.start).toBe(segments[i - 1]?.end);
  });

  it('holds a 100-member ring in a few megabytes', () => {
    const ring = HashRing.build(nodes(100));
    expect(ring.size).toBe(100 * DEFAULT_VNODES);
    expect(ring.byteLength).toBeLessThan(4 * 1024 * 1024);
  });
});
