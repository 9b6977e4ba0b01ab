import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LeaseItem, staleLeases } from '../../../lib/audit/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const MIN = 60_000;

const lease = (overrides: Partial<LeaseItem> = {}): LeaseItem => ({
  resource: 'i-0abc',
  token: 4,
  nonce: 'n-4',
  owner: 'recovery-7',
  beat: 2,
  released: false,
  leaseMs: 120_000,
  holderExpiresAtWallMs: NOW - 20 * MIN,
  ...overrides,
});

describe('staleLeases', () => {
  it('reports an unreleased lease whose holder expiry passed more than the threshold ago', () => {
    const findings = staleLeases([lease()], NOW);
    expect(findings).toEqual([
      {
        check: 'stale-lease',
        severity: 'warning',
        resource: 'lease:i-0abc',
        message:
          'lease on i-0abc held by recovery-7 (token 4) expired 20m ago and was never released: the next recovery of i-0abc waits a lease duration (2m) to take it over',
        detail: {
          resource: 'i-0abc',
          owner: 'recovery-7',
          token: 4,
          beat: 2,
          leaseMs: 120_000,
          holderExpiresAt: '2026-11-26T03:40:00.000Z',
          expiredForMs: 20 * MIN,
          thresholdMs: 15 * MIN,
        },
      },
    ]);
  });

  it('ignores released leases, live leases and leases expired less than the threshold ago', () => {
    expect(
      staleLeases(
        [
          lease({ released: true, holderExpiresAtWallMs: NOW - 10 * 24 * 60 * MIN }),
          lease({ holderExpiresAtWallMs: NOW + MIN }),
          lease({ holderExpiresAtWallMs: NOW - 15 * MIN }),
          lease({ holderExpiresAtWallMs: NOW - 14 * MIN }),
        ],
        NOW,
      ),
    ).toEqual([]);
  });

  it('names semaphore slots and turns critical past the critical threshold', () => {
    const [slot] = staleLeases(
      [lease({ resource: 'recovery', slot: 1, holderExpiresAtWallMs: NOW - 7 * 60 * MIN })],
      NOW,
    );
    expect(slot).toMatchObject({
      severity: 'critical',
      resource: 'semaphore:recovery/slot:1',
      detail: { resource: 'recovery', slot: 1 },
    });
    expect(slot?.message).toContain('slot 1 of semaphore pool recovery');
    expect(slot?.message).toContain('7h ago');
  });

  it('reports an unreleased item with no recorded expiry', () => {
    const [finding] = staleLeases([lease({ holderExpiresAtWallMs: 0 })], NOW);
    expect(finding?.message).toContain('has no recorded expiry');
    expect(finding?.detail).toMatchObject({ holderExpiresAt: null, expiredForMs: null });
  });

  it('honours custom thresholds and rejects nonsensical ones', () => {
    expect(staleLeases([lease()], NOW, { staleLeaseAfterMs: 30 * MIN })).toEqual([]);
    expect(
      staleLeases([lease()], NOW, { staleLeaseAfterMs: MIN, staleLeaseCriticalAfterMs: 5 * MIN })[0]
        ?.severity,
    ).toBe('critical');
    expect(() => staleLeases([], NOW, { staleLeaseAfterMs: -1 })).toThrow(/staleLeaseAfterMs/);
    expect(() =>
      staleLeases([], NOW, { staleLeaseAfterMs: 2 * MIN, staleLeaseCriticalAfterMs: MIN }),
    ).toThrow(expect.objectContaining({ name: 'AuditConfigError' }));
  });

  it('reports exactly the unreleased items expired beyond the threshold (seeded property)', () => {
    const item = fc.record({
      resource: fc.constantFrom('a', 'b', 'c'),
      slot: fc.option(fc.nat(3), { nil: undefined }),
      released: fc.boolean(),
      expiredForMs: fc.integer({ min: -60 * MIN, max: 48 * 60 * MIN }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.integer({ min: 0, max: 120 * MIN }), (raw, after) => {
        const items = raw.map((r) => {
          const { expiredForMs, slot, ...rest } = r;
          return lease({
            ...rest,
            ...(slot === undefined ? {} : { slot }),
            holderExpiresAtWallMs: NOW - expiredForMs,
          });
        });
        const critical = after + 60 * MIN;
        const findings = staleLeases(items, NOW, {
          staleLeaseAfterMs: after,
          staleLeaseCriticalAfterMs: critical,
        });
        const expected = raw.filter((r) => !r.released && r.expiredForMs > after);
        expect(findings).toHaveLength(expected.length);
        expect(findings.map((f) => f.severity)).toEqual(
          expected.map((r) => (r.expiredForMs > critical ? 'critical' : 'warning')),
        );
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });
});
