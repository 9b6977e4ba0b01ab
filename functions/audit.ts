import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import { z } from 'zod';
import {
  CloudWatchAlarmSource,
  DynamoDbLeaseItemSource,
  DynamoDbRingItemSource,
  SqsAuditNotifier,
  SqsQueueDepthSource,
} from '../lib/adapters/audit-sources.js';
import {
  type AuditCheck,
  type AuditConfig,
  type AuditInputs,
  type AuditNotifier,
  type AuditReport,
  auditConfigFromEnv,
  auditNotification,
  runAudit,
} from '../lib/audit/index.js';
import { dynamoDbClient, sqsClient } from './shared/clients.js';
import { readEnv } from './shared/env.js';
import { logger, metrics, tracer } from './shared/powertools.js';

/** Built once per container, next to the shared clients (clients.ts has no CloudWatch client). */
const cloudwatch = new CloudWatchClient({});

/**
 * An EventBridge scheduled event (`detail-type: Scheduled Event`). Only `time` matters: it is the audit's clock.
 * A manual invocation with `{}` is accepted and audits as of now.
 */
const scheduleEventSchema = z.looseObject({
  id: z.string().optional(),
  time: z.iso.datetime({ offset: true }).optional(),
});

export interface AuditDeps {
  readonly inputs: AuditInputs;
  readonly config: Pick<AuditConfig, 'watch' | 'thresholds'>;
  readonly notifier: AuditNotifier;
  /** Records one count per check (the handler emits `AuditFindings` with dimension `Check`). */
  readonly recordCount: (check: AuditCheck, count: number) => void;
  /** Used only when the event carries no `time` (a manual invocation). */
  readonly now: () => number;
}

export interface AuditOutcome {
  readonly at: string;
  readonly findings: number;
  readonly counts: AuditReport['counts'];
  readonly notified: boolean;
}

/**
 * Emits `AuditFindings` (Count) with dimension `Check`. One single-metric EMF document per check, because one
 * buffered document carries one value per dimension and every check needs its own.
 *
 * @example
 * recordAuditFindings('dlq-depth', 2);
 */
export function recordAuditFindings(check: AuditCheck, count: number, into: Metrics = metrics): void {
  const single = into.singleMetric();
  single.addDimension('Check', check);
  single.addMetric('AuditFindings', MetricUnit.Count, count);
}

const MAX_LOGGED_FINDINGS = 200;

let defaultDeps: AuditDeps | undefined;
let builtFor: unknown;

/** Built on first use (not at import) so tests import `audit` without the stack's environment. */
function depsFromEnv(): AuditDeps {
  const client = dynamoDbClient();
  if (defaultDeps && builtFor === client) return defaultDeps;
  const env = readEnv('COORDINATION_TABLE', 'RING_TABLE', 'NOTIFICATIONS_QUEUE_URL');
  const config = auditConfigFromEnv(process.env);
  const sqs = sqsClient();
  defaultDeps = {
    inputs: {
      leases: new DynamoDbLeaseItemSource({ client, tableName: env.COORDINATION_TABLE }),
      rings: new DynamoDbRingItemSource({ client, tableName: env.RING_TABLE }),
      alarms: new CloudWatchAlarmSource(cloudwatch),
      queues: new SqsQueueDepthSource(sqs),
      dlqUrls: config.dlqUrls,
    },
    config,
    notifier: new SqsAuditNotifier(sqs, env.NOTIFICATIONS_QUEUE_URL),
    recordCount: (check, count) => recordAuditFindings(check, count),
    now: () => Date.now(),
  };
  builtFor = client;
  return defaultDeps;
}

/**
 * Scheduled prevention audit: stale leases, ring balance and members left out, rings without alarms and stuck
 * alarms, dead-letter queue depth. Emits `AuditFindings` per check and, when anything was found, sends one
 * `{ kind: 'audit', findings, at }` message to the notifications queue.
 *
 * Idempotent by content: the audit's clock is the schedule event's `time`, and findings come out in canonical
 * order, so a redelivered event over unchanged data sends a byte-identical message (consumers deduplicate on it,
 * or on its `contentSha256` attribute). A redelivery after the data changed reports the newer truth, which is
 * what a person wants to read. A failed send throws, so the invocation is retried and then lands in the DLQ.
 *
 * @example
 * await audit({ 'detail-type': 'Scheduled Event', time: '2026-11-26T04:00:00Z' }, deps);
 */
export async function audit(event: unknown, deps: AuditDeps = depsFromEnv()): Promise<AuditOutcome> {
  const parsed = scheduleEventSchema.parse(event ?? {});
  const nowMs = parsed.time ? Date.parse(parsed.time) : deps.now();
  const report = await runAudit(deps.inputs, {
    nowMs,
    thresholds: deps.config.thresholds,
    watch: deps.config.watch,
  });
  for (const check of report.checked) deps.recordCount(check, report.counts[check] ?? 0);
  // One log line per finding, bounded: a fleet-wide problem (thousands of stale slots) must not flood the logs.
  for (const finding of report.findings.slice(0, MAX_LOGGED_FINDINGS)) {
    const log = finding.severity === 'critical' ? logger.error.bind(logger) : logger.warn.bind(logger);
    log(finding.message, { check: finding.check, resource: finding.resource, detail: finding.detail });
  }
  const notification = auditNotification(report);
  if (notification) await deps.notifier.send(notification);
  logger.info('audit complete', { at: report.at, counts: report.counts, eventId: parsed.id });
  return { at: report.at, findings: report.findings.length, counts: report.counts, notified: !!notification };
}

export const handler = middy((event: unknown) => audit(event))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
