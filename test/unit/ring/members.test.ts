import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  decodeMembers,
  encodeMembers,
  type MemberState,
  member,
} from '../../../lib/ring/members.js';

describe('members', () => {
  it('round-trips through the compact encoding', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.stringMatching(/^[A-Za-z0-9._:/@+=#-]{1,40}$/),
            weight: fc.constantFrom(0.25, 1, 1, 2, 7.5, 100),
            state: fc.constantFrom<MemberState>('up', 'draining', 'down'),
          }),
          { selector: (m) => m.id, maxLength: 30 },
        ),
        (raw) => {
          const members = raw.map((m) => member(m.id, m.weight, m.state));
          const decoded = decodeMembers(encodeMembers(members));
          expect(decoded).toEqual([...members].sort((a, b) => (a.id < b.id ? -1 : 1)));
        },
      ),
      { seed: 301, numRuns: 200 },
    );
  });

  it('spends only the id on a default member', () => {
    expect(encodeMembers([member('b'), member('a', 2), member('c', 1, 'draining')])).toBe(
      'a|w=2\nb\nc|s=draining',
    );
  });

  it('rejects ids, weights and states the ring cannot hold', () => {
    expect(() => member('has space')).toThrow(expect.objectContaining({ name: 'InvalidMemberError' }));
    expect(() => member('pipe|id')).toThrow(/member id/);
    expect(() => member('')).toThrow(/member id/);
    expect(() => member('a', 0)).toThrow(/weight/);
    expect(() => member('a', Number.NaN)).toThrow(/weight/);
    expect(() => member('a', 101)).toThrow(/weight/);
    expect(() => member('a', 1, 'gone' as MemberState)).toThrow(/state/);
    expect(() => applyChange([member('a'), member('a')], { kind: 'remove', id: 'x' })).toThrow(/duplicate/);
  });

  it('applies each change kind and says when nothing changed', () => {
    const start = [member('a'), member('b', 2)];
    expect(applyChange(start, { kind: 'add', member: { id: 'c' } }).members.map((m) => m.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(applyChange(start, { kind: 'add', member: { id: 'b', weight: 2 } }).changed).toBe(false);
    expect(() => applyChange(start, { kind: 'add', member: { id: 'b' } })).toThrow(
      expect.objectContaining({ name: 'MemberExistsError' }),
    );
    expect(applyChange(start, { kind: 'remove', id: 'a' }).members.map((m) => m.id)).toEqual(['b']);
    expect(applyChange(start, { kind: 'remove', id: 'zz' }).changed).toBe(false);
    expect(applyChange(start, { kind: 'drain', id: 'a' }).members[0]?.state).toBe('draining');
    expect(applyChange(start, { kind: 'markDown', id: 'a' }).members[0]?.state).toBe('down');
    const down = applyChange(start, { kind: 'markDown', id: 'a' }).members;
    expect(applyChange(down, { kind: 'markDown', id: 'a' }).changed).toBe(false);
    expect(applyChange(down, { kind: 'restore', id: 'a' }).members[0]?.state).toBe('up');
    expect(applyChange(start, { kind: 'reweight', id: 'b', weight: 3 }).members[1]?.weight).toBe(3);
    expect(() => applyChange(start, { kind: 'drain', id: 'zz' })).toThrow(
      expect.objectContaining({ name: 'MemberNotFoundError' }),
    );
  });

  it('keeps a 150-member list of EC2 instance ids compact', () => {
    const members = Array.from({ length: 150 }, (_, i) => member(`i-0${i.toString(16).padStart(16, '0')}`));
    // The whole ring item (keys, version, fences, timestamp) must stay under 4 KB; the list is most of it.
    expect(Buffer.byteLength(encodeMembers(members))).toBeLessThan(3_100);
  });
});
