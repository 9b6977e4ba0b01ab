import type { AlarmStateChange } from '../alarms/index.js';
import type { Incident, IncidentStatus, Remediation } from './incident.js';
import type { Episode, ResourceSnapshot } from './incident-store.js';
import type { IntakeConfig, MaintenanceWindow } from './intake-config.js';

/**
 * What intake does with one alarm state change, given the resource's snapshot. Pure: the same change and
 * snapshot always give the same decision, which is what makes redelivery safe.
 */
export type IntakeDecision =
  | {
      readonly kind: 'open';
      readonly status: Extract<IncidentStatus, 'OPEN' | 'ESCALATED' | 'MAINTENANCE' | 'SUPPRESSED'>;
      readonly remediation: Remediation;
      readonly holdsGuard: boolean;
      readonly episode: Omit<Episode, 'incidentId'>;
    }
  | {
      readonly kind: 'join';
      readonly incidentId: string;
      /** `duplicate`: the resource's open incident; `suppressed`: a closed incident's episode (flap). */
      readonly action: 'duplicate' | 'suppressed';
      /** The episode to store when this ALARM widens it; absent when it does not change. */
      readonly episode?: Episode;
    }
  | { readonly kind: 'record'; readonly incidentId: string }
  | { readonly kind: 'resolve'; readonly incident: Incident }
  | { readonly kind: 'ignore'; readonly reason: 'stale' | 'no-incident'; readonly incidentId?: string };

/**
 * The intake rules, on CloudWatch's own timestamps (never the intake clock, so a redelivery hours later
 * decides exactly as the first delivery did):
 *
 * ALARM at `t` (W = flap window):
 * 1. The resource has an open incident: `t` older than its first ALARM − W is stale (ignored); otherwise it
 *    joins that incident (`duplicate`).
 * 2. Else the resource's last episode [first, last]: `t` < first − W is stale (an old fault never opens behind
 *    a newer one); `t` ≤ last + W joins the episode (`suppressed`: flapping opens at most one incident, even
 *    after that incident was resolved).
 * 3. Else a new incident: MAINTENANCE inside a maintenance window; SUPPRESSED when CloudWatch suppressed the
 *    composite alarm's actions (`actionsSuppressedBy: 'Alarm'`); ESCALATED when the resource was
 *    auto-remediated less than the cooldown before `t` (the workflow still starts, and escalates to a person);
 *    otherwise OPEN (remediated by the workflow).
 *
 * OK / INSUFFICIENT_DATA at `t`: recorded on the open incident, or else on the last episode's incident,
 * unless older than that incident's first ALARM (stale). They never open an incident and never resolve one
 * the workflow owns; an OK newer than everything applied resolves a MAINTENANCE or SUPPRESSED incident
 * (nothing else would).
 *
 * @example
 * const decision = decideIntake(change, await store.loadResource(change.resourceId), DEFAULT_INTAKE_CONFIG);
 */
export function decideIntake(
  change: AlarmStateChange,
  snapshot: ResourceSnapshot,
  config: IntakeConfig,
): IntakeDecision {
  const t = change.stateChangedAt;
  const w = config.flapWindowMs;
  const guarded = snapshot.guardIncidentId !== undefined ? snapshot.incident : undefined;
  const episode = snapshot.lastEpisode;

  if (change.state !== 'ALARM') {
    const incident = snapshot.incident;
    if (!incident) return { kind: 'ignore', reason: 'no-incident' };
    if (t < incident.firstAlarmAt)
      return { kind: 'ignore', reason: 'stale', incidentId: incident.incidentId };
    if (
      !guarded &&
      change.state === 'OK' &&
      (incident.status === 'MAINTENANCE' || incident.status === 'SUPPRESSED') &&
      t > incident.alarmStateAt
    ) {
      return { kind: 'resolve', incident };
    }
    return { kind: 'record', incidentId: incident.incidentId };
  }

  if (guarded) {
    if (t < guarded.firstAlarmAt - w)
      return { kind: 'ignore', reason: 'stale', incidentId: guarded.incidentId };
    const current = episode?.incidentId === guarded.incidentId ? episode : undefined;
    return {
      kind: 'join',
      incidentId: guarded.incidentId,
      action: 'duplicate',
      ...widen(current ?? { incidentId: guarded.incidentId, firstAlarmAt: t, lastAlarmAt: t }, t, !current),
    };
  }
  if (episode) {
    if (t < episode.firstAlarmAt - w)
      return { kind: 'ignore', reason: 'stale', incidentId: episode.incidentId };
    if (t <= episode.lastAlarmAt + w) {
      return {
        kind: 'join',
        incidentId: episode.incidentId,
        action: 'suppressed',
        ...widen(episode, t, false),
      };
    }
  }

  const span = { firstAlarmAt: t, lastAlarmAt: t };
  if (inMaintenance(config.maintenanceWindows, change)) {
    return {
      kind: 'open',
      status: 'MAINTENANCE',
      remediation: 'maintenance',
      holdsGuard: false,
      episode: span,
    };
  }
  if (change.actionsSuppressedBy === 'Alarm') {
    return {
      kind: 'open',
      status: 'SUPPRESSED',
      remediation: 'suppressed',
      holdsGuard: false,
      episode: span,
    };
  }
  if (snapshot.lastRemediatedAt !== undefined && t - snapshot.lastRemediatedAt < config.cooldownMs) {
    return { kind: 'open', status: 'ESCALATED', remediation: 'cooldown', holdsGuard: false, episode: span };
  }
  return { kind: 'open', status: 'OPEN', remediation: 'auto', holdsGuard: true, episode: span };
}

function widen(episode: Episode, t: number, isNew: boolean): { episode?: Episode } {
  if (!isNew && t >= episode.firstAlarmAt && t <= episode.lastAlarmAt) return {};
  return {
    episode: {
      incidentId: episode.incidentId,
      firstAlarmAt: Math.min(episode.firstAlarmAt, t),
      lastAlarmAt: Math.max(episode.lastAlarmAt, t),
    },
  };
}

/**
 * Whether the change falls in a maintenance window (by its CloudWatch timestamp, so redeliveries agree).
 * A window without `resources` covers everything; otherwise it lists resource ids or alarm names.
 */
export function inMaintenance(windows: readonly MaintenanceWindow[], change: AlarmStateChange): boolean {
  const t = change.stateChangedAt;
  return windows.some(
    (w) =>
      t >= w.startsAt &&
      t < w.endsAt &&
      (!w.resources || w.resources.includes(change.resourceId) || w.resources.includes(change.alarmName)),
  );
}
