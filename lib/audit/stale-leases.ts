import type { LeaseItem } from './audit-sources.js';
import { type Finding, formatDuration } from './finding.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

/** `lease:<resource>` or `semaphore:<pool>/slot:<n>`: the finding's resource for a lease item. */
export const leaseResource = (item: Pick<LeaseItem, 'resource' | 'slot'>): string =>
  item.slot === undefined ? `lease:${item.resource}` : `semaphore:${item.resource}/slot:${item.slot}`;

/**
 * Leases and semaphore slots that were never released and whose holder stopped renewing: the holder's wall-clock
 * expiry passed more than `staleLeaseAfterMs` ago. A crashed recovery leaves these behind; nothing reclaims them
 * until a contender comes along and watches the item for a full lease duration, so the next recovery of that
 * resource (or every recovery, for a blast-radius slot) starts late.
 *
 * Wall clocks are compared across machines here, which the lease protocol itself never does: the threshold is
 * minutes, far above any plausible skew, and a finding only informs a person.
 *
 * @example
 * staleLeases(await source.listLeaseItems(), Date.now()); // [{ check: 'stale-lease', resource: 'lease:i-0abc', ... }]
 */
export function staleLeases(
  items: readonly LeaseItem[],
  nowMs: number,
  thresholds: Partial<Pick<AuditThresholds, 'staleLeaseAfterMs' | 'staleLeaseCriticalAfterMs'>> = {},
): Finding[] {
  const t = resolveThresholds(thresholds);
  const findings: Finding[] = [];
  for (const item of items) {
    if (item.released) continue;
    const knownExpiry = item.holderExpiresAtWallMs > 0;
    const expiredForMs = knownExpiry ? nowMs - item.holderExpiresAtWallMs : Number.POSITIVE_INFINITY;
    if (!(expiredForMs > t.staleLeaseAfterMs)) continue;
    const what =
      item.slot === undefined
        ? `lease on ${item.resource}`
        : `slot ${item.slot} of semaphore pool ${item.resource}`;
    const age = knownExpiry ? `expired ${formatDuration(expiredForMs)} ago` : 'has no recorded expiry';
    const consequence =
      item.slot === undefined
        ? `the next recovery of ${item.resource} waits a lease duration (${formatDuration(item.leaseMs)}) to take it over`
        : `the pool has one slot fewer until a contender takes it over`;
    findings.push({
      check: 'stale-lease',
      severity: expiredForMs > t.staleLeaseCriticalAfterMs ? 'critical' : 'warning',
      resource: leaseResource(item),
      message: `${what} held by ${item.owner} (token ${item.token}) ${age} and was never released: ${consequence}`,
      detail: {
        resource: item.resource,
        ...(item.slot === undefined ? {} : { slot: item.slot }),
        owner: item.owner,
        token: item.token,
        beat: item.beat,
        leaseMs: item.leaseMs,
        holderExpiresAt: knownExpiry ? new Date(item.holderExpiresAtWallMs).toISOString() : null,
        expiredForMs: knownExpiry ? expiredForMs : null,
        thresholdMs: t.staleLeaseAfterMs,
      },
    });
  }
  return findings;
}
