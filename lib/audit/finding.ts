import { AuditConfigError } from './errors.js';

/**
 * Every check the audit runs. Each is one value of the `Check` dimension of the `AuditFindings` metric, so the
 * list is API: add names, never rename one.
 */
export const AUDIT_CHECKS = [
  /** A lease or semaphore slot nobody released, whose holder stopped renewing long ago. */
  'stale-lease',
  /** A ring whose up members own unequal (weight-adjusted) shares of the key space, or none at all. */
  'ring-imbalance',
  /** A ring member left `draining` or `down`: someone must restore or remove it. */
  'ring-member-not-up',
  /** A ring no watched CloudWatch alarm covers (no alarm with dimension `RingId=<ringId>`). */
  'ring-without-alarm',
  /** A watched alarm stuck in INSUFFICIENT_DATA: whatever it watches stopped reporting. */
  'alarm-insufficient-data',
  /** A dead-letter queue holding messages: an asynchronous path dropped work. */
  'dlq-depth',
  /** A data source could not be read, so some checks did not run: the audit itself needs attention. */
  'audit-incomplete',
] as const;

export type AuditCheck = (typeof AUDIT_CHECKS)[number];

export type Severity = 'warning' | 'critical';

/** One weak spot found by a check. Plain JSON: it travels in the notification message as is. */
export interface Finding {
  readonly check: AuditCheck;
  readonly severity: Severity;
  /** What the finding is about, e.g. `lease:i-0abc`, `ring:default/node-7`, `alarm:orders-5xx`, a queue URL. */
  readonly resource: string;
  /** One line for a person. */
  readonly message: string;
  /** The figures behind the finding (JSON values only). */
  readonly detail: Readonly<Record<string, unknown>>;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Findings in a canonical order (check, resource, message): the same data always yields the same list, which is
 * what makes a redelivered audit produce an identical notification.
 *
 * @example
 * sortFindings([...staleLeases(items, now), ...dlqDepth(depths)]);
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => compare(a.check, b.check) || compare(a.resource, b.resource) || compare(a.message, b.message),
  );
}

/**
 * Findings per check, every check present (zero when clean), so each run emits a datapoint for every check and
 * an alarm on `AuditFindings` never sits in INSUFFICIENT_DATA between faults.
 *
 * @example
 * countByCheck(findings)['dlq-depth']; // 2
 */
export function countByCheck(findings: readonly Finding[]): Record<AuditCheck, number> {
  const counts = Object.fromEntries(AUDIT_CHECKS.map((check) => [check, 0])) as Record<AuditCheck, number>;
  for (const finding of findings) counts[finding.check] += 1;
  return counts;
}

/** Milliseconds as a short human duration (`45s`, `12m`, `3h 5m`, `2d 4h`), for messages. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Rejects a threshold that is not a finite number in range, naming it and the value received. */
export function checkThreshold(name: string, value: number, min: number): number {
  if (!(Number.isFinite(value) && value >= min)) {
    throw new AuditConfigError(`audit threshold ${name} must be a number ≥ ${min}, received ${value}`);
  }
  return value;
}

/** Rounds a ratio or share for messages and details (4 decimals is finer than any threshold worth setting). */
export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
