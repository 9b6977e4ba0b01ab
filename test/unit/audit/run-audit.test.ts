import { describe, expect, it } from 'vitest';
import {
  type AlarmItem,
  type AuditInputs,
  AuditSourceError,
  type LeaseItem,
  type QueueDepth,
  type RingItem,
  runAudit,
} from '../../../lib/audit/index.js';
import { encodeMembers, member } from '../../../lib/ring/index.js';

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const HOUR = 3_600_000;
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq-a';
const DLQ2 = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq-b';

const staleLease: LeaseItem = {
  resource: 'i-0abc',
  token: 3,
  nonce: 'n',
  owner: 'recovery-1',
  beat: 0,
  released: false,
  leaseMs: 60_000,
  holderExpiresAtWallMs: NOW - HOUR,
};
const rings: RingItem[] = [
  {
    ringId: 'default',
    version: 2,
    encodedMembers: encodeMembers([member('a'), member('b', 1, 'down')]),
    updatedAt: new Date(NOW - 2 * HOUR).toISOString(),
  },
  { ringId: 'covered', version: 1, encodedMembers: encodeMembers([member('x'), member('y')]) },
];
const alarms: AlarmItem[] = [
  {
    name: 'covered-errors',
    type: 'metric',
    state: 'OK',
    stateSinceMs: NOW,
    dimensions: [{ name: 'RingId', value: 'covered' }],
  },
];
const depths: Record<string, QueueDepth> = {
  [DLQ]: { url: DLQ, visible: 2, inFlight: 0, delayed: 0 },
  [DLQ2]: { url: DLQ2, visible: 0, inFlight: 0, delayed: 0 },
};

const inputs = (overrides: Partial<AuditInputs> = {}): AuditInputs => ({
  leases: { listLeaseItems: async () => [staleLease] },
  rings: { listRings: async () => rings },
  alarms: { listAlarms: async () => alarms },
  queues: {
    queueDepth: async (url) => {
      const depth = depths[url];
      if (!depth) throw new AuditSourceError(`no queue ${url}`, 'sqs', 'QueueDoesNotExist');
      return depth;
    },
  },
  dlqUrls: [DLQ2, DLQ],
  ...overrides,
});

describe('runAudit', () => {
  it('runs every check over every source and returns sorted findings with per-check counts', async () => {
    const report = await runAudit(inputs(), { nowMs: NOW });
    expect(report.at).toBe('2026-11-26T04:00:00.000Z');
    expect(report.findings.map((f) => [f.check, f.resource])).toEqual([
      ['dlq-depth', DLQ],
      ['ring-member-not-up', 'ring:default/b'],
      ['ring-without-alarm', 'ring:default'],
      ['stale-lease', 'lease:i-0abc'],
    ]);
    expect(report.checked).toEqual([
      'alarm-insufficient-data',
      'audit-incomplete',
      'dlq-depth',
      'ring-imbalance',
      'ring-member-not-up',
      'ring-without-alarm',
      'stale-lease',
    ]);
    expect(report.counts).toEqual({
      'alarm-insufficient-data': 0,
      'audit-incomplete': 0,
      'dlq-depth': 1,
      'ring-imbalance': 0,
      'ring-member-not-up': 1,
      'ring-without-alarm': 1,
      'stale-lease': 1,
    });
  });

  it('is deterministic: the same data and clock give the same report whatever order sources answer in', async () => {
    const other: LeaseItem = { ...staleLease, resource: 'i-0abd', owner: 'recovery-2' };
    const a = await runAudit(inputs({ leases: { listLeaseItems: async () => [staleLease, other] } }), {
      nowMs: NOW,
    });
    const reversed = inputs({
      leases: { listLeaseItems: async () => [other, staleLease] },
      rings: { listRings: async () => [...rings].reverse() },
      dlqUrls: [DLQ, DLQ2, DLQ],
    });
    const b = await runAudit(reversed, { nowMs: NOW });
    expect(a.findings.filter((f) => f.check === 'stale-lease')).toHaveLength(2);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('turns a failed source into an audit-incomplete finding and skips only the checks it feeds', async () => {
    const denied = new AuditSourceError(
      'cloudwatch:DescribeAlarms failed',
      'cloudwatch-alarms',
      'AccessDenied',
    );
    const report = await runAudit(
      inputs({
        alarms: { listAlarms: async () => Promise.reject(denied) },
        dlqUrls: [DLQ, 'https://q/missing'],
      }),
      { nowMs: NOW },
    );
    const incomplete = report.findings.filter((f) => f.check === 'audit-incomplete');
    expect(incomplete).toMatchObject([
      {
        severity: 'critical',
        resource: 'https://q/missing',
        detail: { source: 'queue missing', error: 'QueueDoesNotExist', checks: ['dlq-depth'] },
      },
      {
        severity: 'critical',
        resource: 'source:cloudwatch-alarms',
        message:
          'CloudWatch alarms could not be read (AccessDenied): ring-without-alarm, alarm-insufficient-data did not run for it',
      },
    ]);
    expect(report.checked).not.toContain('ring-without-alarm');
    expect(report.checked).not.toContain('alarm-insufficient-data');
    expect(report.checked).toContain('dlq-depth');
    expect(report.counts).toMatchObject({ 'audit-incomplete': 2, 'dlq-depth': 1, 'stale-lease': 1 });
  });

  it('without the ring list, still reports stuck alarms but does not judge ring coverage', async () => {
    const stuck: AlarmItem = {
      name: 's',
      type: 'metric',
      state: 'INSUFFICIENT_DATA',
      stateSinceMs: NOW - 5 * HOUR,
      dimensions: [],
    };
    const report = await runAudit(
      {
        rings: { listRings: () => Promise.reject(new Error('boom')) },
        alarms: { listAlarms: async () => [stuck] },
      },
      { nowMs: NOW },
    );
    expect(report.findings.map((f) => f.check)).toEqual(['alarm-insufficient-data', 'audit-incomplete']);
    expect(report.checked).toEqual(['alarm-insufficient-data', 'audit-incomplete']);
  });

  it('runs nothing for absent sources and reports no findings for clean data', async () => {
    const report = await runAudit({}, { nowMs: NOW });
    expect(report).toEqual({
      at: new Date(NOW).toISOString(),
      findings: [],
      checked: ['audit-incomplete'],
      counts: { 'audit-incomplete': 0 },
    });
    const clean = await runAudit(
      {
        leases: { listLeaseItems: async () => [{ ...staleLease, released: true }] },
        rings: { listRings: async () => [rings[1] as RingItem] },
        alarms: { listAlarms: async () => alarms },
      },
      { nowMs: NOW },
    );
    expect(clean.findings).toEqual([]);
  });

  it('passes thresholds and the watch filter to the checks', async () => {
    const report = await runAudit(inputs(), {
      nowMs: NOW,
      thresholds: { staleLeaseAfterMs: 2 * HOUR, dlqCriticalDepth: 2 },
      watch: { prefixes: ['nothing-'] },
    });
    expect(report.findings.filter((f) => f.check === 'stale-lease')).toEqual([]);
    expect(report.findings.find((f) => f.check === 'dlq-depth')?.severity).toBe('critical');
    expect(report.findings.filter((f) => f.check === 'ring-without-alarm').map((f) => f.resource)).toEqual([
      'ring:covered',
      'ring:default',
    ]);
  });
});
