import { createHash } from 'node:crypto';
import type { AlarmStateValue } from '../alarms/index.js';
import { InvalidIncidentTransitionError } from './errors.js';

/**
 * Incident statuses. `OPEN` and `RECOVERING` hold the resource's guard (at most one per resource);
 * `RESOLVED` is final. `ESCALATED` hands the incident to humans and frees the guard. `MAINTENANCE` (the
 * alarm fired inside a maintenance window) and `SUPPRESSED` (CloudWatch suppressed the composite alarm's
 * actions) are recorded but never remediated and never hold the guard.
 */
export type IncidentStatus = 'OPEN' | 'RECOVERING' | 'RESOLVED' | 'ESCALATED' | 'MAINTENANCE' | 'SUPPRESSED';

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'OPEN',
  'RECOVERING',
  'RESOLVED',
  'ESCALATED',
  'MAINTENANCE',
  'SUPPRESSED',
];

/** Statuses in which the incident holds its resource's guard. */
export const GUARDED_STATUSES: readonly IncidentStatus[] = ['OPEN', 'RECOVERING'];

/**
 * The status graph. Nothing leaves RESOLVED (an incident is never reopened) and nothing returns to OPEN.
 * `ESCALATED → RECOVERING` is the approval path (a human approved a runbook after escalation);
 * `RECOVERING → RECOVERING` lets a retried step re-assert its transition.
 */
const ALLOWED: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  OPEN: ['RECOVERING', 'RESOLVED', 'ESCALATED'],
  RECOVERING: ['RECOVERING', 'RESOLVED', 'ESCALATED'],
  ESCALATED: ['ESCALATED', 'RECOVERING', 'RESOLVED'],
  MAINTENANCE: ['RESOLVED'],
  SUPPRESSED: ['RESOLVED'],
  RESOLVED: [],
};

/**
 * Whether the status graph allows `from → to`.
 *
 * @example
 * canTransition('OPEN', 'RECOVERING'); // true
 * canTransition('RESOLVED', 'OPEN'); // false
 */
export const canTransition = (from: IncidentStatus, to: IncidentStatus): boolean =>
  ALLOWED[from].includes(to);

/** Throws `InvalidIncidentTransitionError` unless `from → to` is in the graph. */
export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (!canTransition(from, to)) throw new InvalidIncidentTransitionError(from, to);
}

/** One timeline entry: what happened, when (ISO-8601), and any details. */
export interface TimelineEntry {
  readonly at: string;
  readonly kind: string;
  readonly detail?: Record<string, unknown>;
}

/** Whether the recovery workflow may remediate this incident, and if not why. */
export type Remediation = 'auto' | 'cooldown' | 'maintenance' | 'suppressed';

/**
 * Whether intake starts the recovery workflow for an incident: `auto` (to remediate) and `cooldown` (the
 * workflow refuses to remediate and escalates to a person through its escalation queue). `maintenance` and
 * `suppressed` incidents are recorded only.
 */
export const startsExecution = (remediation: Remediation): boolean =>
  remediation === 'auto' || remediation === 'cooldown';

export interface Incident {
  readonly incidentId: string;
  readonly resourceId: string;
  readonly status: IncidentStatus;
  readonly remediation: Remediation;
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly account: string;
  readonly region: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The alarm reason of the state change that opened the incident. */
  readonly reason: string;
  /** CloudWatch's timestamp (epoch ms) of the ALARM transition that opened the incident. */
  readonly firstAlarmAt: number;
  /** Latest alarm state applied to the incident and its CloudWatch timestamp (never moves backwards). */
  readonly alarmState: AlarmStateValue;
  readonly alarmStateAt: number;
  /** When Faultline opened the incident (ISO-8601, intake clock). Part of the workflow input. */
  readonly openedAt: string;
  readonly updatedAt: string;
  /** Whether this incident holds its resource's guard (it does while OPEN/RECOVERING, if it ever did). */
  readonly holdsGuard: boolean;
  readonly executionName: string;
  /** Set once StartExecution succeeded (or reported the execution already exists). */
  readonly executionStarted: boolean;
  readonly executionArn?: string;
  readonly suspects?: readonly unknown[];
  readonly suspectsAttachedAt?: string;
  /** Bumped by every write to the incident item. */
  readonly version: number;
}

/**
 * Deterministic incident id for the episode opened by an ALARM transition: the same state change delivered
 * any number of times, in any shape, gives the same id. Readable prefix (UTC time of the transition) plus 16
 * hex digits of SHA-256 over resource, alarm and timestamp. Valid as a Step Functions execution name.
 *
 * @example
 * incidentIdFor('InstanceId=i-1', 'arn:aws:cloudwatch:us-east-1:1:alarm:a', 1570035880989);
 * // 'inc-20191002T170440989Z-…'
 */
export function incidentIdFor(resourceId: string, alarmArn: string, stateChangedAt: number): string {
  const hash = createHash('sha256').update(`${resourceId}\n${alarmArn}\n${stateChangedAt}`).digest('hex');
  const stamp = new Date(stateChangedAt).toISOString().replace(/[-:.]/g, '');
  return `inc-${stamp}-${hash.slice(0, 16)}`;
}

/**
 * Step Functions execution name for an incident: the id itself when valid (letters, digits, `-`, `_`; at
 * most 80 characters), otherwise a sanitized prefix plus a hash so distinct ids stay distinct.
 */
export function executionNameFor(incidentId: string): string {
  if (/^[A-Za-z0-9_-]{1,80}$/.test(incidentId)) return incidentId;
  const hash = createHash('sha256').update(incidentId).digest('hex').slice(0, 16);
  return `${incidentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 63)}-${hash}`;
}

/** The recovery workflow's input (StartExecution `input`, as JSON). */
export interface RecoveryInput {
  readonly incidentId: string;
  readonly resourceId: string;
  readonly alarmName: string;
  readonly namespace: string | null;
  readonly metricName: string | null;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly openedAt: string;
}

/** Builds the workflow input from the stored incident, so every retry sends byte-identical input. */
export function recoveryInputFor(incident: Incident): RecoveryInput {
  return {
    incidentId: incident.incidentId,
    resourceId: incident.resourceId,
    alarmName: incident.alarmName,
    namespace: incident.namespace ?? null,
    metricName: incident.metricName ?? null,
    // Sorted so the JSON is identical whatever order the store returned the map in.
    dimensions: Object.fromEntries(Object.entries(incident.dimensions).sort(([a], [b]) => (a < b ? -1 : 1))),
    openedAt: incident.openedAt,
  };
}

/**
 * Sort key of a timeline entry: `TL#<at>#<kind>#<hash of detail>`. Entries sort by time, and appending the
 * same entry twice (a retried step, a redelivered alarm) stores it once.
 */
export function timelineKey(entry: TimelineEntry): string {
  const hash = createHash('sha256')
    .update(stableJson(entry.detail ?? null))
    .digest('hex')
    .slice(0, 12);
  return `TL#${entry.at}#${entry.kind}#${hash}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
