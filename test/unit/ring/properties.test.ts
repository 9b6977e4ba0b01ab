import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Member, type MemberState, member } from '../../../lib/ring/members.js';
import { murmur3 } from '../../../lib/ring/murmur3.js';
import { HashRing } from '../../../lib/ring/ring.js';
import { hasDuplicates, planExcess, removalMovement, seededKeys } from './checkers.js';

// Seeded and replayable: a failure prints the seed and path; re-run with them to reproduce.
const params = (seed: number, numRuns = 60) => ({ seed, numRuns });

const memberArb = fc.record({
  id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  weight: fc.constantFrom(0.5, 1, 1, 1, 2, 3),
  state: fc.constantFrom<MemberState>('up', 'up', 'up', 'draining', 'down'),
});
const membersArb = (min: number, max: number) =>
  fc
    .uniqueArray(memberArb, { minLength: min, maxLength: max, selector: (m) => m.id })
    .map((list) => list.map((m) => member(m.id, m.weight, m.state)));
const upIds = (members: readonly Member[]) => members.filter((m) => m.state === 'up').map((m) => m.id);

/** Fraction of the key space a change moves, checked against lookups at sampled positions. */
function samplePositions(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => murmur3(`sample-${i}`, seed));
}

describe('ring properties', () => {
  it('builds the same ring from the same members, whatever their order (determinism)', () => {
    fc.assert(
      fc.property(membersArb(1, 12), fc.integer(), (members, seed) => {
        const shuffled = [...members].sort((a, b) => murmur3(a.id, seed) - murmur3(b.id, seed));
        const a = HashRing.build(members, { vnodes: 64 });
        const b = HashRing.build(shuffled, { vnodes: 64 });
        expect(b.tokens).toEqual(a.tokens);
        expect(b.owners).toEqual(a.owners);
        expect(b.ownerIds).toEqual(a.ownerIds);
      }),
      params(101),
    );
  });

  it('places keys identically in every process and version (pinned fingerprint)', () => {
    // Tokens come from murmur3 of the ids only: no randomness, no insertion order, no process state. If this
    // changes, Lambdas running old and new code would disagree on owners: that needs a migration, not an edit.
    const ring = HashRing.build(['node-0', 'node-1', 'node-2', 'node-3', 'node-4'].map((id) => member(id)));
    const owners = Array.from({ length: 12 }, (_, i) => ring.lookup(`key-${i}`));
    expect(owners).toMatchInlineSnapshot(`
      [
        "node-0",
        "node-1",
        "node-0",
        "node-0",
        "node-4",
        "node-1",
        "node-3",
        "node-3",
        "node-4",
        "node-2",
        "node-3",
        "node-0",
      ]
    `);
  });

  it('moves only the removed member keys on removal (zero excess)', () => {
    fc.assert(
      fc.property(membersArb(2, 12), fc.nat(), fc.integer(), (members, pick, seed) => {
        const removed = members[pick % members.length] as Member;
        const before = HashRing.build(members, { vnodes: 64 });
        const after = before.apply({ kind: 'remove', id: removed.id });
        const plan = before.plan({ kind: 'remove', id: removed.id });
        expect(planExcess(plan, removed.id)).toBe(0);
        if (removed.state !== 'up') expect(plan.movedFraction).toBe(0);
        // The plan is exact: a sampled position moved iff it lies in a planned range.
        if (after.size === 0) return;
        for (const position of samplePositions(seed, 300)) {
          const moved = before.ownerAt(position) !== after.ownerAt(position);
          const planned = plan.ranges.some((r) => position >= r.start && position < r.end);
          expect(planned).toBe(moved);
          if (moved) expect(before.ownerAt(position)).toBe(removed.id);
        }
      }),
      params(102),
    );
  });

  it('excess check catches token placement that depends on the member set (negative control)', () => {
    // A broken variant: tokens seeded by the member's position in the list, so a removal reshuffles others.
    const broken = (ids: readonly string[]) => {
      const ring = HashRing.build(
        ids.map((_, i) => member(`slot-${i}`)),
        { vnodes: 64 },
      );
      return (key: string) => ids[Number(ring.lookup(key).slice('slot-'.length))] as string;
    };
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const keys = seededKeys(5_000, 11);
    const movement = removalMovement(keys, broken(ids), broken(ids.filter((id) => id !== 'b')), 'b');
    expect(movement.excess).toBeGreaterThan(0);
  });

  it('returns distinct up members in every preference list', () => {
    fc.assert(
      fc.property(membersArb(1, 12), fc.string(), fc.integer({ min: 1, max: 15 }), (members, key, n) => {
        const ring = HashRing.build(members, { vnodes: 32 });
        const up = upIds(members);
        if (up.length === 0) return;
        const list = ring.preferenceList(key, n);
        expect(list).toHaveLength(Math.min(n, up.length));
        expect(hasDuplicates(list)).toBe(false);
        expect(list[0]).toBe(ring.lookup(key));
        for (const id of list) expect(up).toContain(id);
      }),
      params(103, 200),
    );
  });

  const additionBound = (vnodes: number) =>
    fc.property(
      membersArb(1, 12).filter((m) => upIds(m).length > 0),
      fc.constantFrom(0.5, 1, 2),
      (members, weight) => {
        const id = 'newcomer';
        if (members.some((m) => m.id === id)) return;
        const ring = HashRing.build(members, { vnodes });
        const plan = ring.plan({ kind: 'add', member: { id, weight } });
        const upWeight = members.filter((m) => m.state === 'up').reduce((a, m) => a + m.weight, 0);
        const ideal = weight / (upWeight + weight);
        expect(plan.movedFraction).toBeLessThanOrEqual(1.1 * ideal);
        for (const t of plan.transfers) expect(t.to).toBe(id);
      },
    );

  it('moves at most 1.1 × the ideal share to an added member, and only to it (default settings)', () => {
    fc.assert(additionBound(8192), params(104, 40));
  });

  it('addition bound catches a ring with too few tokens (negative control)', () => {
    expect(fc.check(additionBound(16), params(104, 100)).failed).toBe(true);
  });
});
