import { z } from 'zod';
import type { AlarmWatch } from './alarm-coverage.js';
import { AuditConfigError } from './errors.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

/** The audit's settings beyond table and queue names, as read from the environment. */
export interface AuditConfig {
  /** `DLQ_URLS`: dead-letter queues to measure. */
  readonly dlqUrls: readonly string[];
  /** `WATCHED_ALARM_NAMES` / `WATCHED_ALARM_NAME_PREFIXES`: the alarms Faultline reacts to. */
  readonly watch: AlarmWatch;
  readonly thresholds: AuditThresholds;
}

/** Optional threshold overrides: environment variable → threshold. */
export const THRESHOLD_ENV: Readonly<Record<string, keyof AuditThresholds>> = {
  AUDIT_STALE_LEASE_AFTER_MS: 'staleLeaseAfterMs',
  AUDIT_STALE_LEASE_CRITICAL_AFTER_MS: 'staleLeaseCriticalAfterMs',
  AUDIT_RING_MAX_OVER_MEAN: 'ringMaxOverMean',
  AUDIT_RING_CRITICAL_MAX_OVER_MEAN: 'ringCriticalMaxOverMean',
  AUDIT_MEMBER_NOT_UP_AFTER_MS: 'memberNotUpAfterMs',
  AUDIT_RING_VNODES: 'vnodes',
  AUDIT_INSUFFICIENT_DATA_AFTER_MS: 'insufficientDataAfterMs',
  AUDIT_DLQ_CRITICAL_DEPTH: 'dlqCriticalDepth',
};

const stringList = z.array(z.string().min(1));

/**
 * Reads the audit's configuration from an environment. Every variable is optional (an unset list is empty, an
 * unset threshold takes its default); a malformed one throws `AuditConfigError` naming it, at cold start.
 *
 * @example
 * auditConfigFromEnv({ DLQ_URLS: '["https://sqs.eu-west-1.amazonaws.com/123/detect-dlq"]' }).dlqUrls.length; // 1
 */
export function auditConfigFromEnv(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  const overrides: Partial<Record<keyof AuditThresholds, number>> = {};
  for (const [variable, key] of Object.entries(THRESHOLD_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value))
      throw new AuditConfigError(`${variable} must be a number, received '${raw}'`);
    overrides[key] = value;
  }
  let thresholds: AuditThresholds;
  try {
    thresholds = resolveThresholds(overrides);
  } catch (error) {
    throw error instanceof AuditConfigError ? error : new AuditConfigError(String(error));
  }
  const names = jsonList(env, 'WATCHED_ALARM_NAMES');
  const prefixes = jsonList(env, 'WATCHED_ALARM_NAME_PREFIXES');
  return { dlqUrls: jsonList(env, 'DLQ_URLS'), watch: { names, prefixes }, thresholds };
}

function jsonList(env: Readonly<Record<string, string | undefined>>, variable: string): string[] {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AuditConfigError(`${variable} must be a JSON array of strings, received '${raw}'`);
  }
  const result = stringList.safeParse(parsed);
  if (!result.success)
    throw new AuditConfigError(`${variable} must be a JSON array of strings, received '${raw}'`);
  return result.data;
}
