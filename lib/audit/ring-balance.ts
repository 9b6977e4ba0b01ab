import { decodeMembers, HashRing, type Member } from '../ring/index.js';
import type { RingItem } from './audit-sources.js';
import { type Finding, formatDuration, round4 } from './finding.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

type RingThresholds = Pick<
  AuditThresholds,
  'ringMaxOverMean' | 'ringCriticalMaxOverMean' | 'memberNotUpAfterMs' | 'vnodes'
>;

/**
 * Ring health, per ring:
 * - `ring-imbalance`: among `up` members, the largest weight-adjusted share of the key space over the mean share
 *   (`HashRing.maxOverMean`, exact arc lengths, no sampling) above `ringMaxOverMean`; critical above
 *   `ringCriticalMaxOverMean`, when no member is up (every lookup fails), or when the item cannot be decoded or
 *   built.
 * - `ring-member-not-up`: members left `draining` (warning) or `down` (critical) once the ring has been unchanged
 *   for `memberNotUpAfterMs`, so a drain in progress is not reported. Someone must restore or remove them.
 *
 * @example
 * ringBalance([{ ringId: 'default', version: 3, encodedMembers: 'a\nb|s=down' }], Date.now());
 * // [{ check: 'ring-member-not-up', severity: 'critical', resource: 'ring:default/b', ... }]
 */
export function ringBalance(
  rings: readonly RingItem[],
  nowMs: number,
  thresholds: Partial<RingThresholds> = {},
): Finding[] {
  const t = resolveThresholds(thresholds);
  return rings.flatMap((ring) => auditRing(ring, nowMs, t));
}

function auditRing(item: RingItem, nowMs: number, t: RingThresholds): Finding[] {
  const resource = `ring:${item.ringId}`;
  const broken = (message: string, error: unknown): Finding => ({
    check: 'ring-imbalance',
    severity: 'critical',
    resource,
    message: `ring ${item.ringId} (version ${item.version}) ${message}: ${error instanceof Error ? error.message : String(error)}`,
    detail: {
      ringId: item.ringId,
      version: item.version,
      error: error instanceof Error ? error.name : 'Error',
    },
  });
  let members: Member[];
  try {
    members = decodeMembers(item.encodedMembers);
  } catch (error) {
    return [broken('cannot be decoded', error)];
  }
  const findings = membersNotUp(item, members, nowMs, t);
  const up = members.filter((m) => m.state === 'up');
  if (up.length === 0) {
    findings.push({
      check: 'ring-imbalance',
      severity: 'critical',
      resource,
      message: `ring ${item.ringId} has no member up (${members.length} listed): every lookup fails`,
      detail: { ringId: item.ringId, version: item.version, members: members.length, upMembers: 0 },
    });
    return findings;
  }
  let ring: HashRing;
  try {
    ring = HashRing.build(members, { vnodes: t.vnodes });
  } catch (error) {
    findings.push(broken('cannot be built', error));
    return findings;
  }
  const imbalance = worstMember(ring, up);
  if (imbalance.ratio > t.ringMaxOverMean) {
    findings.push({
      check: 'ring-imbalance',
      severity: imbalance.ratio > t.ringCriticalMaxOverMean ? 'critical' : 'warning',
      resource,
      message:
        `ring ${item.ringId}: ${imbalance.id} owns ${pct(imbalance.share)} of the key space against a fair ` +
        `${pct(imbalance.fair)} (max/mean ${round4(imbalance.ratio)} > ${t.ringMaxOverMean})`,
      detail: {
        ringId: item.ringId,
        version: item.version,
        maxOverMean: round4(imbalance.ratio),
        threshold: t.ringMaxOverMean,
        mostLoaded: imbalance.id,
        share: round4(imbalance.share),
        fairShare: round4(imbalance.fair),
        upMembers: up.length,
        vnodes: t.vnodes,
      },
    });
  }
  return findings;
}

/** The up member with the largest share relative to its weight (what `maxOverMean` measures, plus who). */
function worstMember(
  ring: HashRing,
  up: readonly Member[],
): { id: string; ratio: number; share: number; fair: number } {
  const totalWeight = up.reduce((sum, m) => sum + m.weight, 0);
  const shares = ring.shares();
  let worst = { id: '', ratio: 0, share: 0, fair: 0 };
  for (const m of up) {
    const share = shares.get(m.id) ?? 0;
    const fair = m.weight / totalWeight;
    const ratio = share / fair;
    if (ratio > worst.ratio) worst = { id: m.id, ratio, share, fair };
  }
  return worst;
}

function membersNotUp(
  item: RingItem,
  members: readonly Member[],
  nowMs: number,
  t: RingThresholds,
): Finding[] {
  const updatedAtMs = item.updatedAt === undefined ? Number.NaN : Date.parse(item.updatedAt);
  const unchangedForMs = Number.isNaN(updatedAtMs) ? undefined : nowMs - updatedAtMs;
  // A ring changed recently may be mid-recovery (drain, reboot, restore): give it time before reporting.
  if (unchangedForMs !== undefined && unchangedForMs < t.memberNotUpAfterMs) return [];
  const since =
    unchangedForMs === undefined ? 'for an unknown time' : `for at least ${formatDuration(unchangedForMs)}`;
  return members
    .filter((m) => m.state !== 'up')
    .map((m) => ({
      check: 'ring-member-not-up' as const,
      severity: m.state === 'down' ? ('critical' as const) : ('warning' as const),
      resource: `ring:${item.ringId}/${m.id}`,
      message: `member ${m.id} of ring ${item.ringId} has been ${m.state} ${since}: restore it or remove it`,
      detail: {
        ringId: item.ringId,
        version: item.version,
        memberId: m.id,
        state: m.state,
        weight: m.weight,
        ringUpdatedAt: item.updatedAt ?? null,
      },
    }));
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
