import { DEFAULT_VNODES } from '../ring/index.js';
import { checkThreshold } from './finding.js';

/** What counts as a finding. Every field is optional where a check takes thresholds; these are the defaults. */
export interface AuditThresholds {
  /** An unreleased lease whose holder expiry passed more than this long ago is stale. @default 15 minutes */
  readonly staleLeaseAfterMs: number;
  /** A stale lease is critical past this. @default 6 hours */
  readonly staleLeaseCriticalAfterMs: number;
  /** Largest weight-adjusted share over the mean share among up members. @default 1.10 */
  readonly ringMaxOverMean: number;
  /** Imbalance above this is critical. @default 1.5 */
  readonly ringCriticalMaxOverMean: number;
  /**
   * A member left draining or down is reported once the ring has not changed for this long (a recovery that is
   * draining a node right now is not a finding). @default 1 hour
   */
  readonly memberNotUpAfterMs: number;
  /** Tokens per unit of weight the ring is built with: must match the fleet's `RingOptions`. @default DEFAULT_VNODES */
  readonly vnodes: number;
  /** A watched alarm in INSUFFICIENT_DATA for longer than this is stuck. @default 1 hour */
  readonly insufficientDataAfterMs: number;
  /** A dead-letter queue with at least this many visible messages is critical (any message is a warning). @default 10 */
  readonly dlqCriticalDepth: number;
}

export const DEFAULT_AUDIT_THRESHOLDS: AuditThresholds = {
  staleLeaseAfterMs: 15 * 60_000,
  staleLeaseCriticalAfterMs: 6 * 3_600_000,
  ringMaxOverMean: 1.1,
  ringCriticalMaxOverMean: 1.5,
  memberNotUpAfterMs: 3_600_000,
  vnodes: DEFAULT_VNODES,
  insufficientDataAfterMs: 3_600_000,
  dlqCriticalDepth: 10,
};

/**
 * Defaults overlaid with `overrides`, each validated: a bad value throws `AuditConfigError` naming it.
 *
 * @example
 * resolveThresholds({ ringMaxOverMean: 1.2 }).staleLeaseAfterMs; // 900000
 */
export function resolveThresholds(overrides: Partial<AuditThresholds> = {}): AuditThresholds {
  const given = stripUndefined(overrides);
  const t = { ...DEFAULT_AUDIT_THRESHOLDS, ...given };
  // A raised base threshold lifts an unset critical one with it, rather than contradicting it.
  if (given.staleLeaseCriticalAfterMs === undefined) {
    t.staleLeaseCriticalAfterMs = Math.max(t.staleLeaseCriticalAfterMs, t.staleLeaseAfterMs);
  }
  if (given.ringCriticalMaxOverMean === undefined) {
    t.ringCriticalMaxOverMean = Math.max(t.ringCriticalMaxOverMean, t.ringMaxOverMean);
  }
  checkThreshold('staleLeaseAfterMs', t.staleLeaseAfterMs, 0);
  checkThreshold('staleLeaseCriticalAfterMs', t.staleLeaseCriticalAfterMs, t.staleLeaseAfterMs);
  checkThreshold('ringMaxOverMean', t.ringMaxOverMean, 1);
  checkThreshold('ringCriticalMaxOverMean', t.ringCriticalMaxOverMean, t.ringMaxOverMean);
  checkThreshold('memberNotUpAfterMs', t.memberNotUpAfterMs, 0);
  checkThreshold('vnodes', t.vnodes, 1);
  checkThreshold('insufficientDataAfterMs', t.insufficientDataAfterMs, 0);
  checkThreshold('dlqCriticalDepth', t.dlqCriticalDepth, 1);
  return t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
