import type { AlarmStateValue } from '../alarms/index.js';
import type { Incident, IncidentStatus, TimelineEntry } from './incident.js';

/** The ALARM transitions of a resource that count as one fault (see `decideIntake`). */
export interface Episode {
  readonly incidentId: string;
  /** Earliest and latest ALARM timestamps (CloudWatch, epoch ms) seen in the episode. */
  readonly firstAlarmAt: number;
  readonly lastAlarmAt: number;
}

/** What intake needs to know about a resource, read strongly consistently. */
export interface ResourceSnapshot {
  readonly resourceId: string;
  /** Version of the resource's state item (0 when it does not exist yet); intake writes are conditioned on it. */
  readonly version: number;
  /** The incident holding the resource's guard, if any. */
  readonly guardIncidentId?: string;
  readonly lastEpisode?: Episode;
  /** When the resource's last auto-remediated incident was resolved (epoch ms). */
  readonly lastRemediatedAt?: number;
  /** The guard holder's incident, else the last episode's incident. */
  readonly incident?: Incident;
}

export interface TransitionRequest {
  /** Statuses the caller expects the incident to be in; include `to` to make a retry idempotent. */
  readonly from: readonly IncidentStatus[];
  readonly to: IncidentStatus;
  /** Appended to the timeline in the same conditional write. */
  readonly entry: TimelineEntry;
}

export interface TransitionResult {
  readonly incident: Incident;
  readonly previousStatus: IncidentStatus;
}

/** Alarm state applied to an incident by intake. */
export interface AlarmObservation {
  readonly state: AlarmStateValue;
  /** CloudWatch timestamp (epoch ms); the incident's `alarmState` only moves to newer observations. */
  readonly stateChangedAt: number;
}

/**
 * Storage port for incidents (the incidents table). Every mutation is a conditional write; expected contention
 * is a `'conflict'` result (intake re-reads and decides again), wrong states are typed errors.
 *
 * Layout in the DynamoDB adapter (pk/sk strings): incident `INCIDENT#<id>`/`META`; timeline entries
 * `INCIDENT#<id>`/`TL#<at>#<kind>#<hash>`; guard `RESOURCE#<resourceId>`/`GUARD`; resource state
 * `RESOURCE#<resourceId>`/`STATE`.
 */
export interface IncidentStore {
  /** The incident, or `undefined`. */
  get(incidentId: string): Promise<Incident | undefined>;
  /** The incident holding the resource's guard (status OPEN or RECOVERING), or `undefined`. */
  findOpen(resourceId: string): Promise<Incident | undefined>;
  /** Stores the localizer's ranked suspects on the incident (replacing earlier ones) and notes it on the timeline. */
  attachSuspects(incidentId: string, suspects: readonly unknown[], at: string): Promise<Incident>;
  /**
   * Conditional status change plus timeline entry in one atomic write. RESOLVED and ESCALATED free the
   * resource's guard; RESOLVED of an auto-remediated incident records the resource's last remediation time
   * (`entry.at`) for the cooldown rule. Throws `IncidentNotFoundError`, `IncidentStatusConflictError` (current
   * status not in `from`) or `InvalidIncidentTransitionError` (not in the status graph).
   */
  transition(incidentId: string, request: TransitionRequest): Promise<TransitionResult>;
  /** Appends an entry; idempotent (the same entry twice is stored once). Throws `IncidentNotFoundError`. */
  appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void>;
  /** Timeline entries in `at` order. */
  listTimeline(incidentId: string): Promise<TimelineEntry[]>;

  /** Intake: the resource's guard, episode, cooldown clock and current incident. */
  loadResource(resourceId: string): Promise<ResourceSnapshot>;
  /**
   * Intake: writes the incident, its first timeline entry, the resource's new episode and (when the incident
   * holds it) the guard, atomically; `'conflict'` when the resource changed since `expectedVersion` or the
   * guard or incident already exists.
   */
  createIncident(
    incident: Incident,
    options: { readonly expectedVersion: number; readonly episode: Episode; readonly entry: TimelineEntry },
  ): Promise<'created' | 'conflict'>;
  /**
   * Intake: records an alarm observation on an incident atomically: the timeline entry, the incident's
   * `alarmState` when the observation is newer than the applied one, and the resource's episode when given
   * (conditioned on `expectedVersion`). `'conflict'` when either condition failed.
   */
  recordAlarm(
    incidentId: string,
    observation: AlarmObservation,
    options: {
      readonly resourceId: string;
      readonly expectedVersion: number;
      readonly episode?: Episode;
      readonly entry: TimelineEntry;
    },
  ): Promise<'recorded' | 'conflict'>;
  /** Intake: notes that the recovery execution exists (once; later calls return the incident unchanged). */
  markExecutionStarted(
    incidentId: string,
    options: { readonly at: string; readonly executionArn?: string },
  ): Promise<Incident>;
}
