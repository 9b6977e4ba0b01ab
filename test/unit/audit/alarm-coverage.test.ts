import { describe, expect, it } from 'vitest';
import { type AlarmItem, alarmCoverage, isWatched } from '../../../lib/audit/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const HOUR = 3_600_000;

const alarm = (name: string, overrides: Partial<AlarmItem> = {}): AlarmItem => ({
  name,
  type: 'metric',
  state: 'OK',
  stateSinceMs: NOW - 5 * HOUR,
  dimensions: [],
  ...overrides,
});
const onRing = (ringId: string) => [{ name: 'RingId', value: ringId }];

describe('alarmCoverage', () => {
  it('finds nothing when every ring has a working watched alarm', () => {
    const alarms = [
      alarm('fleet-a-errors', { dimensions: onRing('a') }),
      alarm('fleet-b', { dimensions: onRing('b') }),
    ];
    expect(alarmCoverage(['a', 'b'], alarms, NOW)).toEqual([]);
  });

  it('reports a ring no alarm carries a RingId dimension for', () => {
    const alarms = [
      alarm('fleet-a', { dimensions: onRing('a') }),
      alarm('other', { dimensions: [{ name: 'ClusterName', value: 'b' }] }),
    ];
    expect(alarmCoverage(['a', 'b'], alarms, NOW)).toEqual([
      {
        check: 'ring-without-alarm',
        severity: 'critical',
        resource: 'ring:b',
        message: 'no watched alarm has dimension RingId=b: a failing member of ring b is never detected',
        detail: { ringId: 'b', dimension: 'RingId', watchedAlarms: 2 },
      },
    ]);
  });

  it('counts metric-math dimensions and only watched alarms', () => {
    const alarms = [alarm('team-x-ring-a', { dimensions: [{ name: 'Env', value: 'p' }, ...onRing('a')] })];
    expect(alarmCoverage(['a'], alarms, NOW, { watch: { prefixes: ['team-x-'] } })).toEqual([]);
    expect(alarmCoverage(['a'], alarms, NOW, { watch: { prefixes: ['checkout-'] } })).toMatchObject([
      { check: 'ring-without-alarm', resource: 'ring:a', detail: { watchedAlarms: 0 } },
    ]);
  });

  it('reports watched alarms stuck in INSUFFICIENT_DATA beyond the threshold, and no others', () => {
    const alarms = [
      alarm('stuck', { state: 'INSUFFICIENT_DATA', stateSinceMs: NOW - 2 * HOUR }),
      alarm('fresh', { state: 'INSUFFICIENT_DATA', stateSinceMs: NOW - HOUR / 2 }),
      alarm('firing', { state: 'ALARM', stateSinceMs: NOW - 9 * HOUR }),
      alarm('ignored-stuck', { state: 'INSUFFICIENT_DATA', stateSinceMs: NOW - 9 * HOUR }),
    ];
    const findings = alarmCoverage([], alarms, NOW, { watch: { names: ['stuck', 'fresh', 'firing'] } });
    expect(findings).toEqual([
      {
        check: 'alarm-insufficient-data',
        severity: 'warning',
        resource: 'alarm:stuck',
        message: 'alarm stuck has been INSUFFICIENT_DATA for 2h: its metric stopped reporting',
        detail: {
          alarmName: 'stuck',
          alarmType: 'metric',
          stateSince: new Date(NOW - 2 * HOUR).toISOString(),
          insufficientForMs: 2 * HOUR,
          thresholdMs: HOUR,
          rings: [],
        },
      },
    ]);
    expect(
      alarmCoverage([], alarms, NOW, { insufficientDataAfterMs: 3 * HOUR, watch: { names: ['stuck'] } }),
    ).toEqual([]);
  });

  it('is critical when every alarm covering a ring is stuck, a warning when another still works', () => {
    const stuck = alarm('ring-a-latency', {
      state: 'INSUFFICIENT_DATA',
      stateSinceMs: NOW - 2 * HOUR,
      dimensions: onRing('a'),
    });
    const [only] = alarmCoverage(['a'], [stuck], NOW);
    expect(only).toMatchObject({
      check: 'alarm-insufficient-data',
      severity: 'critical',
      detail: { rings: ['a'] },
    });
    expect(only?.message).toContain('only coverage of ring a');
    const backedUp = alarmCoverage(['a'], [stuck, alarm('ring-a-errors', { dimensions: onRing('a') })], NOW);
    expect(backedUp).toMatchObject([{ severity: 'warning' }]);
  });

  it('treats an INSUFFICIENT_DATA alarm with no state time as stuck', () => {
    const [finding] = alarmCoverage(
      [],
      [{ name: 'c', type: 'composite', state: 'INSUFFICIENT_DATA', dimensions: [] }],
      NOW,
    );
    expect(finding?.message).toContain('since an unknown time');
  });
});

describe('isWatched', () => {
  it('matches exact names and prefixes; no filter watches everything', () => {
    expect(isWatched('anything')).toBe(true);
    expect(isWatched('checkout-5xx', { prefixes: ['checkout-'] })).toBe(true);
    expect(isWatched('orders', { names: ['orders'], prefixes: ['checkout-'] })).toBe(true);
    expect(isWatched('orders-2', { names: ['orders'] })).toBe(false);
  });
});
