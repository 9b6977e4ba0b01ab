import { describe, expect, it } from 'vitest';
import { type RingItem, ringBalance } from '../../../lib/audit/index.js';
import { encodeMembers, HashRing, member } from '../../../lib/ring/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const HOUR = 3_600_000;
const longAgo = new Date(NOW - 3 * HOUR).toISOString();

const ring = (members: ReturnType<typeof member>[], overrides: Partial<RingItem> = {}): RingItem => ({
  ringId: 'default',
  version: 5,
  encodedMembers: encodeMembers(members),
  updatedAt: longAgo,
  ...overrides,
});

describe('ringBalance', () => {
  it('finds nothing wrong with a balanced ring of up members', () => {
    const members = [member('a'), member('b'), member('c', 2), member('d')];
    expect(ringBalance([ring(members)], NOW)).toEqual([]);
  });

  it('reports imbalance above the threshold with the most loaded member (negative control: few vnodes)', () => {
    const members = [member('a'), member('b'), member('c'), member('d', 2)];
    // The same members built with 4 tokens per weight are badly balanced; with the default 8192 they are fine.
    const expected = HashRing.build(members, { vnodes: 4 }).maxOverMean();
    expect(expected).toBeGreaterThan(1.1);
    const [finding, ...rest] = ringBalance([ring(members)], NOW, { vnodes: 4 });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      check: 'ring-imbalance',
      severity: expected > 1.5 ? 'critical' : 'warning',
      resource: 'ring:default',
      detail: { ringId: 'default', version: 5, threshold: 1.1, upMembers: 4, vnodes: 4 },
    });
    expect(finding?.detail.maxOverMean).toBeCloseTo(expected, 3);
    const shares = HashRing.build(members, { vnodes: 4 }).shares();
    const mostLoaded = String(finding?.detail.mostLoaded);
    expect(finding?.detail.share).toBeCloseTo(shares.get(mostLoaded) ?? -1, 3);
    expect(finding?.message).toContain(`${mostLoaded} owns`);
  });

  it('weighs shares by member weight: a heavy member owning more is not imbalance', () => {
    const members = [member('a', 10), member('b'), member('c')];
    expect(ringBalance([ring(members)], NOW, { ringMaxOverMean: 1.05 })).toEqual([]);
  });

  it('is critical above the critical ratio and respects a raised threshold', () => {
    const members = [member('a'), member('b'), member('c'), member('d', 2)];
    const ratio = HashRing.build(members, { vnodes: 1 }).maxOverMean();
    expect(
      ringBalance([ring(members)], NOW, { vnodes: 1, ringCriticalMaxOverMean: ratio - 0.01 })[0]?.severity,
    ).toBe('critical');
    expect(
      ringBalance([ring(members)], NOW, {
        vnodes: 1,
        ringMaxOverMean: ratio + 0.01,
        ringCriticalMaxOverMean: 3,
      }),
    ).toEqual([]);
  });

  it('reports members left draining (warning) or down (critical) once the ring has been unchanged long enough', () => {
    const members = [member('a'), member('b', 1, 'draining'), member('c', 1, 'down'), member('d')];
    const findings = ringBalance([ring(members)], NOW);
    expect(findings).toEqual([
      {
        check: 'ring-member-not-up',
        severity: 'warning',
        resource: 'ring:default/b',
        message: 'member b of ring default has been draining for at least 3h: restore it or remove it',
        detail: {
          ringId: 'default',
          version: 5,
          memberId: 'b',
          state: 'draining',
          weight: 1,
          ringUpdatedAt: longAgo,
        },
      },
      {
        check: 'ring-member-not-up',
        severity: 'critical',
        resource: 'ring:default/c',
        message: 'member c of ring default has been down for at least 3h: restore it or remove it',
        detail: {
          ringId: 'default',
          version: 5,
          memberId: 'c',
          state: 'down',
          weight: 1,
          ringUpdatedAt: longAgo,
        },
      },
    ]);
  });

  it('does not report a member drained moments ago (a recovery may be mid-way)', () => {
    const members = [member('a'), member('b', 1, 'draining'), member('c')];
    const recent = new Date(NOW - 10 * 60_000).toISOString();
    expect(ringBalance([ring(members, { updatedAt: recent })], NOW)).toEqual([]);
    const withoutTime: RingItem = { ringId: 'x', version: 1, encodedMembers: encodeMembers(members) };
    expect(ringBalance([withoutTime], NOW)[0]?.message).toContain('for an unknown time');
  });

  it('is critical when no member is up, and when the item cannot be decoded', () => {
    const allDown = ringBalance([ring([member('a', 1, 'down')], { ringId: 'r1' })], NOW);
    expect(allDown.map((f) => [f.check, f.severity])).toEqual([
      ['ring-member-not-up', 'critical'],
      ['ring-imbalance', 'critical'],
    ]);
    expect(allDown[1]?.message).toContain('no member up');
    const empty = ringBalance([ring([], { ringId: 'r2' })], NOW);
    expect(empty).toMatchObject([{ check: 'ring-imbalance', severity: 'critical', resource: 'ring:r2' }]);
    const corrupt = ringBalance([ring([], { ringId: 'r3', encodedMembers: 'a|x=1' })], NOW);
    expect(corrupt).toMatchObject([
      { check: 'ring-imbalance', severity: 'critical', detail: { error: 'InvalidMemberError' } },
    ]);
    expect(corrupt[0]?.message).toContain('cannot be decoded');
  });

  it('audits every ring independently', () => {
    const good = ring([member('a'), member('b')], { ringId: 'good' });
    const bad = ring([member('a'), member('b', 1, 'down')], { ringId: 'bad' });
    expect(ringBalance([good, bad], NOW).map((f) => f.resource)).toEqual(['ring:bad/b']);
  });
});
