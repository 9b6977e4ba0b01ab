import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AuditDeps, audit, recordAuditFindings } from '../../../functions/audit.js';
import {
  type AuditCheck,
  type AuditNotification,
  DEFAULT_AUDIT_THRESHOLDS,
  type LeaseItem,
} from '../../../lib/audit/index.js';

const SCHEDULED = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-26T04:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/Faultline-AuditSchedule'],
  detail: {},
};
const AT = Date.parse(SCHEDULED.time);

function deps(leases: LeaseItem[], overrides: Partial<AuditDeps> = {}) {
  const sent: AuditNotification[] = [];
  const counts: [AuditCheck, number][] = [];
  const d: AuditDeps = {
    inputs: { leases: { listLeaseItems: async () => leases } },
    config: { watch: {}, thresholds: DEFAULT_AUDIT_THRESHOLDS },
    notifier: { send: async (n) => void sent.push(n) },
    recordCount: (check, count) => void counts.push([check, count]),
    now: () => AT + 42_000,
    ...overrides,
  };
  return { d, sent, counts };
}

const stale: LeaseItem = {
  resource: 'i-0abc',
  token: 9,
  nonce: 'n',
  owner: 'recovery-3',
  beat: 1,
  released: false,
  leaseMs: 120_000,
  holderExpiresAtWallMs: AT - 3_600_000,
};

describe('audit handler', () => {
  afterEach(() => vi.restoreAllMocks());

  it('audits as of the schedule time, records a count per check and sends one notification', async () => {
    const { d, sent, counts } = deps([stale]);
    const outcome = await audit(SCHEDULED, d);
    expect(outcome).toEqual({
      at: '2026-11-26T04:00:00.000Z',
      findings: 1,
      counts: { 'audit-incomplete': 0, 'stale-lease': 1 },
      notified: true,
    });
    expect(counts).toEqual([
      ['audit-incomplete', 0],
      ['stale-lease', 1],
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'audit',
      at: '2026-11-26T04:00:00.000Z',
      findings: [{ check: 'stale-lease' }],
    });
    expect(sent[0]?.findings[0]?.detail.expiredForMs).toBe(3_600_000);
  });

  it('sends byte-identical content when the same schedule event is delivered again', async () => {
    const { d, sent } = deps([stale]);
    await audit(SCHEDULED, d);
    await audit({ ...SCHEDULED }, { ...d, now: () => AT + 600_000 });
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent[1])).toBe(JSON.stringify(sent[0]));
  });

  it('records zero counts and sends nothing when the audit is clean', async () => {
    const { d, sent, counts } = deps([{ ...stale, released: true }]);
    await expect(audit(SCHEDULED, d)).resolves.toMatchObject({ findings: 0, notified: false });
    expect(sent).toEqual([]);
    expect(counts).toEqual([
      ['audit-incomplete', 0],
      ['stale-lease', 0],
    ]);
  });

  it('audits as of now on a manual invocation without a time, and rejects a malformed time', async () => {
    const { d, sent } = deps([stale]);
    await audit({}, d);
    expect(sent[0]?.at).toBe(new Date(AT + 42_000).toISOString());
    await expect(audit({ ...SCHEDULED, time: 'yesterday' }, d)).rejects.toMatchObject({ name: 'ZodError' });
  });

  it('fails the invocation when the notification cannot be sent (so it is retried, then dead-lettered)', async () => {
    const { d } = deps([stale], {
      notifier: { send: () => Promise.reject(new Error('SendMessage failed')) },
    });
    await expect(audit(SCHEDULED, d)).rejects.toThrow('SendMessage failed');
  });

  it('emits AuditFindings with dimension Check as an EMF document', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    recordAuditFindings(
      'dlq-depth',
      2,
      new Metrics({ namespace: 'FaultlineTest', serviceName: 'audit-test' }),
    );
    const emf = lines.map((l) => JSON.parse(l)).find((doc) => doc._aws);
    expect(emf).toMatchObject({ Check: 'dlq-depth', AuditFindings: 2 });
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'FaultlineTest',
      Metrics: [{ Name: 'AuditFindings', Unit: 'Count' }],
    });
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toContain('Check');
  });
});
