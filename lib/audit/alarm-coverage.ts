import type { AlarmItem } from './audit-sources.js';
import { type Finding, formatDuration } from './finding.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

/** The dimension that ties an alarm to a ring: the convention the default runbook rules (`fleet-node`) match on. */
export const RING_DIMENSION = 'RingId';

/**
 * Which alarms Faultline reacts to (the FaultHandling construct's `alarmNames` / `alarmNamePrefixes`). Both empty
 * means every alarm, as in the construct.
 */
export interface AlarmWatch {
  readonly names?: readonly string[];
  readonly prefixes?: readonly string[];
}

/**
 * Whether Faultline reacts to an alarm of this name.
 *
 * @example
 * isWatched('checkout-5xx', { prefixes: ['checkout-'] }); // true
 */
export function isWatched(alarmName: string, watch: AlarmWatch = {}): boolean {
  const names = watch.names ?? [];
  const prefixes = watch.prefixes ?? [];
  if (names.length === 0 && prefixes.length === 0) return true;
  return names.includes(alarmName) || prefixes.some((p) => alarmName.startsWith(p));
}

export interface AlarmCoverageOptions extends Partial<Pick<AuditThresholds, 'insufficientDataAfterMs'>> {
  readonly watch?: AlarmWatch;
}

/**
 * Watched resources without working alarms. Only alarms Faultline reacts to count (an alarm outside the watch
 * filter never opens an incident):
 * - `ring-without-alarm` (critical): a ring no watched alarm carries a `RingId=<ringId>` dimension for, so a
 *   failing node is never detected.
 * - `alarm-insufficient-data`: a watched alarm in INSUFFICIENT_DATA for longer than `insufficientDataAfterMs`:
 *   what it watches stopped reporting. Critical when every alarm covering some ring is stuck (the ring is then
 *   unwatched in effect), a warning otherwise.
 *
 * @example
 * alarmCoverage(['default'], await source.listAlarms(), Date.now(), { watch: { prefixes: ['fleet-'] } });
 */
export function alarmCoverage(
  ringIds: readonly string[],
  alarms: readonly AlarmItem[],
  nowMs: number,
  options: AlarmCoverageOptions = {},
): Finding[] {
  const t = resolveThresholds({ insufficientDataAfterMs: options.insufficientDataAfterMs });
  const watched = alarms.filter((a) => isWatched(a.name, options.watch));
  const stuck = new Map<string, number | undefined>();
  for (const alarm of watched) {
    if (alarm.state !== 'INSUFFICIENT_DATA') continue;
    const forMs = alarm.stateSinceMs === undefined ? undefined : nowMs - alarm.stateSinceMs;
    // An unknown start counts as stuck: CloudWatch always reports one, so its absence is itself suspicious.
    if (forMs === undefined || forMs > t.insufficientDataAfterMs) stuck.set(alarm.name, forMs);
  }

  const findings: Finding[] = [];
  const ringsOnlyStuck = new Set<string>();
  for (const ringId of ringIds) {
    const covering = watched.filter((a) => ringsOf(a).includes(ringId));
    if (covering.length === 0) {
      findings.push({
        check: 'ring-without-alarm',
        severity: 'critical',
        resource: `ring:${ringId}`,
        message: `no watched alarm has dimension ${RING_DIMENSION}=${ringId}: a failing member of ring ${ringId} is never detected`,
        detail: { ringId, dimension: RING_DIMENSION, watchedAlarms: watched.length },
      });
    } else if (covering.every((a) => stuck.has(a.name))) {
      ringsOnlyStuck.add(ringId);
    }
  }

  for (const alarm of watched) {
    if (!stuck.has(alarm.name)) continue;
    const forMs = stuck.get(alarm.name);
    const rings = ringsOf(alarm);
    const blind = rings.filter((r) => ringsOnlyStuck.has(r));
    findings.push({
      check: 'alarm-insufficient-data',
      severity: blind.length > 0 ? 'critical' : 'warning',
      resource: `alarm:${alarm.name}`,
      message:
        `alarm ${alarm.name} has been INSUFFICIENT_DATA ${forMs === undefined ? 'since an unknown time' : `for ${formatDuration(forMs)}`}: ` +
        `its metric stopped reporting${blind.length > 0 ? `, and it is the only coverage of ring ${blind.join(', ')}` : ''}`,
      detail: {
        alarmName: alarm.name,
        alarmType: alarm.type,
        stateSince: alarm.stateSinceMs === undefined ? null : new Date(alarm.stateSinceMs).toISOString(),
        insufficientForMs: forMs ?? null,
        thresholdMs: t.insufficientDataAfterMs,
        rings,
      },
    });
  }
  return findings;
}

/** Ring ids an alarm covers (one per distinct `RingId` dimension value among its metrics). */
function ringsOf(alarm: AlarmItem): string[] {
  const ids = alarm.dimensions.filter((d) => d.name === RING_DIMENSION).map((d) => d.value);
  return [...new Set(ids)].sort();
}
