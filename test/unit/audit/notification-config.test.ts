import { describe, expect, it } from 'vitest';
import {
  AUDIT_CHECKS,
  auditConfigFromEnv,
  auditNotification,
  countByCheck,
  DEFAULT_AUDIT_THRESHOLDS,
  type Finding,
  formatDuration,
  resolveThresholds,
  sortFindings,
} from '../../../lib/audit/index.js';

const finding = (i: number, severity: Finding['severity'] = 'warning'): Finding => ({
  check: 'dlq-depth',
  severity,
  resource: `q-${String(i).padStart(3, '0')}`,
  message: `queue ${i} holds messages`,
  detail: { padding: 'x'.repeat(200) },
});

describe('auditNotification', () => {
  it('is undefined without findings and carries kind, findings and at otherwise', () => {
    expect(auditNotification({ findings: [], at: 't' })).toBeUndefined();
    const findings = [finding(1)];
    expect(auditNotification({ findings, at: '2026-11-26T04:00:00.000Z' })).toEqual({
      kind: 'audit',
      findings,
      at: '2026-11-26T04:00:00.000Z',
    });
  });

  it('serializes identically for the same report (consumers deduplicate by content)', () => {
    const report = { findings: sortFindings([finding(2), finding(1, 'critical')]), at: 'a' };
    const again = { findings: sortFindings([finding(1, 'critical'), finding(2)]), at: 'a' };
    expect(JSON.stringify(auditNotification(again))).toBe(JSON.stringify(auditNotification(report)));
  });

  it('fits a size limit by keeping critical findings first and counting what it left out', () => {
    const findings = sortFindings([
      ...Array.from({ length: 40 }, (_, i) => finding(i)),
      finding(99, 'critical'),
    ]);
    const limit = 3_000;
    const message = auditNotification({ findings, at: 'a' }, limit);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(limit);
    expect(message?.findings[0]?.severity).toBe('critical');
    expect((message?.findings.length ?? 0) + (message?.omitted ?? 0)).toBe(41);
    expect(message?.omitted).toBeGreaterThan(0);
  });
});

describe('auditConfigFromEnv', () => {
  it('reads DLQ_URLS, the watch filter and threshold overrides, with defaults for the rest', () => {
    const config = auditConfigFromEnv({
      DLQ_URLS: '["https://sqs.eu-west-1.amazonaws.com/1/a","https://sqs.eu-west-1.amazonaws.com/1/b"]',
      WATCHED_ALARM_NAME_PREFIXES: '["checkout-"]',
      AUDIT_RING_MAX_OVER_MEAN: '1.2',
      AUDIT_DLQ_CRITICAL_DEPTH: ' ',
    });
    expect(config.dlqUrls).toHaveLength(2);
    expect(config.watch).toEqual({ names: [], prefixes: ['checkout-'] });
    expect(config.thresholds).toEqual({ ...DEFAULT_AUDIT_THRESHOLDS, ringMaxOverMean: 1.2 });
    expect(auditConfigFromEnv({})).toEqual({
      dlqUrls: [],
      watch: { names: [], prefixes: [] },
      thresholds: DEFAULT_AUDIT_THRESHOLDS,
    });
  });

  it('names the variable and the value when one is malformed', () => {
    expect(() => auditConfigFromEnv({ DLQ_URLS: 'https://x' })).toThrow(/DLQ_URLS must be a JSON array/);
    expect(() => auditConfigFromEnv({ DLQ_URLS: '[1]' })).toThrow(
      expect.objectContaining({ name: 'AuditConfigError' }),
    );
    expect(() => auditConfigFromEnv({ AUDIT_STALE_LEASE_AFTER_MS: 'soon' })).toThrow(
      /AUDIT_STALE_LEASE_AFTER_MS/,
    );
    expect(() => auditConfigFromEnv({ AUDIT_RING_MAX_OVER_MEAN: '0.9' })).toThrow(/ringMaxOverMean/);
  });
});

describe('findings helpers', () => {
  it('counts every check, zero included', () => {
    const counts = countByCheck([finding(1), finding(2)]);
    expect(Object.keys(counts).sort()).toEqual([...AUDIT_CHECKS].sort());
    expect(counts['dlq-depth']).toBe(2);
    expect(counts['stale-lease']).toBe(0);
  });

  it('formats durations for messages', () => {
    expect(
      [45_000, 12 * 60_000, 185 * 60_000, 3 * 3_600_000, 52 * 3_600_000, 48 * 3_600_000].map(formatDuration),
    ).toEqual(['45s', '12m', '3h 5m', '3h', '2d 4h', '2d']);
  });

  it('resolves thresholds over the defaults', () => {
    expect(resolveThresholds({ vnodes: 64 })).toEqual({ ...DEFAULT_AUDIT_THRESHOLDS, vnodes: 64 });
    expect(() => resolveThresholds({ dlqCriticalDepth: 0 })).toThrow(/dlqCriticalDepth/);
    // A raised base lifts an unset critical threshold instead of contradicting it.
    expect(resolveThresholds({ ringMaxOverMean: 2 }).ringCriticalMaxOverMean).toBe(2);
    expect(resolveThresholds({ staleLeaseAfterMs: 7 * 3_600_000 }).staleLeaseCriticalAfterMs).toBe(
      7 * 3_600_000,
    );
    expect(() => resolveThresholds({ ringMaxOverMean: 2, ringCriticalMaxOverMean: 1.5 })).toThrow(
      /ringCriticalMaxOverMean/,
    );
  });
});
