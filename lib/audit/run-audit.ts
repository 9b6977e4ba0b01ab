import { type AlarmCoverageOptions, type AlarmWatch, alarmCoverage } from './alarm-coverage.js';
import type {
  AlarmSource,
  LeaseItemSource,
  QueueDepth,
  QueueDepthSource,
  RingItemSource,
} from './audit-sources.js';
import { dlqDepth, queueName } from './dlq-depth.js';
import { AuditSourceError } from './errors.js';
import { type AuditCheck, countByCheck, type Finding, sortFindings } from './finding.js';
import { ringBalance } from './ring-balance.js';
import { staleLeases } from './stale-leases.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

/** Where the audit reads. A missing source skips the checks that need it (they are then not in `checked`). */
export interface AuditInputs {
  readonly leases?: LeaseItemSource;
  readonly rings?: RingItemSource;
  readonly alarms?: AlarmSource;
  readonly queues?: QueueDepthSource;
  /** Dead-letter queue URLs to measure with `queues`. @default [] */
  readonly dlqUrls?: readonly string[];
}

export interface AuditOptions {
  /** The audit's "now" (epoch ms). The handler passes the schedule event's time, so a redelivery agrees. */
  readonly nowMs: number;
  readonly thresholds?: Partial<AuditThresholds>;
  readonly watch?: AlarmWatch;
}

export interface AuditReport {
  /** `nowMs` as ISO time. */
  readonly at: string;
  /** Canonical order (`sortFindings`). */
  readonly findings: Finding[];
  /** The checks that ran (their data was read); only these have meaningful counts. */
  readonly checked: AuditCheck[];
  /** Findings per check, for `checked` checks (zero included). */
  readonly counts: Partial<Record<AuditCheck, number>>;
}

/** Which checks each source feeds: when a source fails, these do not run. */
const NEEDS: Record<'leases' | 'rings' | 'alarms' | 'queues', readonly AuditCheck[]> = {
  leases: ['stale-lease'],
  rings: ['ring-imbalance', 'ring-member-not-up', 'ring-without-alarm'],
  alarms: ['ring-without-alarm', 'alarm-insufficient-data'],
  queues: ['dlq-depth'],
};

/**
 * Reads every source in parallel and runs every check whose data arrived. A source that fails does not stop
 * the others: it becomes an `audit-incomplete` finding (critical) naming the checks that could not run, so a
 * lost permission or a missing table shows up in the same notification instead of silently shrinking the audit.
 *
 * @example
 * const report = await runAudit({ leases, rings, alarms, queues, dlqUrls }, { nowMs: Date.parse(event.time) });
 * report.findings; // sorted, deterministic for the same data and nowMs
 */
export async function runAudit(inputs: AuditInputs, options: AuditOptions): Promise<AuditReport> {
  const t = resolveThresholds(options.thresholds);
  const { nowMs } = options;
  const dlqUrls = [...new Set(inputs.dlqUrls ?? [])].sort();
  const [leases, rings, alarms, depths] = await Promise.all([
    settle(inputs.leases, (s) => s.listLeaseItems()),
    settle(inputs.rings, (s) => s.listRings()),
    settle(inputs.alarms, (s) => s.listAlarms()),
    inputs.queues && dlqUrls.length > 0
      ? Promise.all(dlqUrls.map((url) => settle(inputs.queues, (s) => s.queueDepth(url))))
      : Promise.resolve(undefined),
  ]);

  const findings: Finding[] = [];
  const checked = new Set<AuditCheck>(['audit-incomplete']);
  const incomplete = (source: string, resource: string, error: unknown, checks: readonly AuditCheck[]) => {
    findings.push({
      check: 'audit-incomplete',
      severity: 'critical',
      resource,
      message: `${source} could not be read (${errorName(error)}): ${checks.join(', ')} did not run for it`,
      detail: { source, error: errorName(error), reason: errorMessage(error), checks: [...checks] },
    });
  };

  if (leases?.ok) {
    findings.push(...staleLeases(leases.value, nowMs, t));
    checked.add('stale-lease');
  } else if (leases) incomplete('lease items', 'source:coordination-table', leases.error, NEEDS.leases);

  if (rings?.ok) {
    findings.push(...ringBalance(rings.value, nowMs, t));
    checked.add('ring-imbalance').add('ring-member-not-up');
  } else if (rings) incomplete('ring items', 'source:ring-table', rings.error, NEEDS.rings);

  if (alarms?.ok) {
    const coverage: AlarmCoverageOptions = {
      insufficientDataAfterMs: t.insufficientDataAfterMs,
      ...(options.watch ? { watch: options.watch } : {}),
    };
    // Without the ring list, coverage of rings cannot be judged: only the insufficient-data check runs.
    const ringIds = rings?.ok ? rings.value.map((r) => r.ringId) : [];
    findings.push(...alarmCoverage(ringIds, alarms.value, nowMs, coverage));
    checked.add('alarm-insufficient-data');
    if (rings?.ok) checked.add('ring-without-alarm');
  } else if (alarms) incomplete('CloudWatch alarms', 'source:cloudwatch-alarms', alarms.error, NEEDS.alarms);

  if (depths) {
    const read: QueueDepth[] = [];
    depths.forEach((d, i) => {
      const url = dlqUrls[i] ?? '';
      if (d?.ok) read.push(d.value);
      else if (d) incomplete(`queue ${queueName(url)}`, url, d.error, NEEDS.queues);
    });
    findings.push(...dlqDepth(read, t));
    // Counted over the queues that answered; the others are audit-incomplete findings.
    if (read.length > 0) checked.add('dlq-depth');
  }

  const all = countByCheck(findings);
  const ordered = [...checked].sort();
  return {
    at: new Date(nowMs).toISOString(),
    findings: sortFindings(findings),
    checked: ordered,
    counts: Object.fromEntries(ordered.map((c) => [c, all[c]])),
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<S, T>(
  source: S | undefined,
  read: (s: S) => Promise<T>,
): Promise<Settled<T> | undefined> {
  if (!source) return undefined;
  try {
    return { ok: true, value: await read(source) };
  } catch (error) {
    return { ok: false, error };
  }
}

const errorName = (error: unknown): string =>
  error instanceof AuditSourceError ? error.code : error instanceof Error ? error.name : 'Error';
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
