import type { z } from 'zod';
import type { AlarmStateChange } from './alarm-state-change.js';
import { type AlarmIssue, MalformedAlarmEventError } from './errors.js';
import { regionCodeFromDisplayName } from './regions.js';
import { type AlarmMetricRef, resourceIdFor, summarizeMetrics } from './resource-id.js';
import {
  type alarmConfigurationSchema,
  eventBridgeAlarmEventSchema,
  lambdaAlarmActionSchema,
  type SnsAlarmMessage,
  snsAlarmMessageSchema,
  snsEventSchema,
} from './schemas.js';
import { parseAlarmTimestamp } from './timestamps.js';

type Configuration = z.infer<typeof alarmConfigurationSchema>;

/**
 * Validates one delivery (EventBridge event, SNS event with any number of records, or Lambda alarm action) and
 * returns its state changes, one per alarm notification. All-or-nothing: if any part is malformed it throws
 * `MalformedAlarmEventError` listing every issue, and returns nothing, so a caller never half-processes a batch.
 *
 * @example
 * const [change] = parseAlarmDelivery(eventBridgeEvent);
 * change.resourceId; // 'InstanceId=i-12345678901234567'
 */
export function parseAlarmDelivery(event: unknown): AlarmStateChange[] {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw malformed('delivery is not a JSON object', [
      { record: 0, path: '', message: 'expected an object' },
    ]);
  }
  const record = event as Record<string, unknown>;
  if ('Records' in record) return parseSns(record);
  if ('detail-type' in record) return [parseEventBridge(record)];
  if ('alarmData' in record) return [parseLambdaAction(record)];
  throw malformed('delivery is not a CloudWatch alarm event (no Records, detail-type or alarmData)', [
    { record: 0, path: '', message: 'unrecognized shape' },
  ]);
}

function parseEventBridge(event: unknown): AlarmStateChange {
  const parsed = eventBridgeAlarmEventSchema.safeParse(event);
  if (!parsed.success) throw fromZod('EventBridge alarm event', parsed.error, 0);
  const e = parsed.data;
  const alarmArn = e.resources[0] ?? '';
  const { detail } = e;
  return build(0, {
    shape: 'eventbridge',
    alarmName: detail.alarmName,
    alarmArn,
    account: e.account,
    region: e.region,
    state: detail.state.value,
    previousState: detail.previousState.value,
    reason: detail.state.reason,
    timestamp: detail.state.timestamp,
    timestampPath: 'detail.state.timestamp',
    actionsSuppressedBy: detail.state.actionsSuppressedBy,
    configuration: detail.configuration,
  });
}

function parseLambdaAction(event: unknown): AlarmStateChange {
  const parsed = lambdaAlarmActionSchema.safeParse(event);
  if (!parsed.success) throw fromZod('Lambda alarm action payload', parsed.error, 0);
  const e = parsed.data;
  const { alarmData } = e;
  return build(0, {
    shape: 'lambda',
    alarmName: alarmData.alarmName,
    alarmArn: e.alarmArn,
    account: e.accountId,
    region: e.region,
    state: alarmData.state.value,
    previousState: alarmData.previousState.value,
    reason: alarmData.state.reason,
    timestamp: alarmData.state.timestamp,
    timestampPath: 'alarmData.state.timestamp',
    actionsSuppressedBy: alarmData.state.actionsSuppressedBy,
    configuration: alarmData.configuration,
  });
}

function parseSns(event: unknown): AlarmStateChange[] {
  const envelope = snsEventSchema.safeParse(event);
  if (!envelope.success) throw fromZod('SNS event', envelope.error, 0);
  const changes: AlarmStateChange[] = [];
  const issues: AlarmIssue[] = [];
  envelope.data.Records.forEach((rec, index) => {
    let json: unknown;
    try {
      json = JSON.parse(rec.Sns.Message);
    } catch {
      issues.push({ record: index, path: 'Sns.Message', message: 'not valid JSON' });
      return;
    }
    const message = snsAlarmMessageSchema.safeParse(json);
    if (!message.success) {
      issues.push(...zodIssues(message.error, index));
      return;
    }
    try {
      changes.push(fromSnsMessage(message.data, index));
    } catch (error) {
      if (error instanceof MalformedAlarmEventError) issues.push(...error.issues);
      else throw error;
    }
  });
  if (issues.length > 0) {
    throw malformed(`SNS alarm notification is malformed (${issues.length} issue(s))`, issues);
  }
  return changes;
}

function fromSnsMessage(m: SnsAlarmMessage, index: number): AlarmStateChange {
  const arnParts = m.AlarmArn ? splitAlarmArn(m.AlarmArn) : undefined;
  // The ARN carries the region code; the display name is only needed for old notifications without one.
  const region = arnParts?.region ?? regionCodeFromDisplayName(m.Region);
  if (!region) {
    throw malformed('unknown region', [
      { record: index, path: 'Region', message: `unknown region display name "${m.Region}"` },
    ]);
  }
  const alarmArn =
    m.AlarmArn ?? `arn:${partitionOf(region)}:cloudwatch:${region}:${m.AWSAccountId}:alarm:${m.AlarmName}`;
  const metrics: AlarmMetricRef[] = [];
  const trigger = m.Trigger;
  if (trigger?.Metrics) {
    for (const q of trigger.Metrics) {
      if (!q.MetricStat) continue;
      metrics.push({
        namespace: q.MetricStat.Metric.Namespace,
        metricName: q.MetricStat.Metric.MetricName,
        dimensions: dimensionsFromList(q.MetricStat.Metric.Dimensions ?? []),
        returnData: q.ReturnData ?? false,
      });
    }
  } else if (trigger?.MetricName && trigger.Namespace) {
    metrics.push({
      namespace: trigger.Namespace,
      metricName: trigger.MetricName,
      dimensions: dimensionsFromList(trigger.Dimensions ?? []),
      returnData: true,
    });
  }
  const stateChangedAt = parseAlarmTimestamp(m.StateChangeTime);
  if (stateChangedAt === undefined) {
    throw malformed('bad timestamp', [
      {
        record: index,
        path: 'StateChangeTime',
        message: `not an ISO-8601 timestamp: "${m.StateChangeTime}"`,
      },
    ]);
  }
  const summary = summarizeMetrics(metrics);
  return {
    shape: 'sns',
    alarmName: m.AlarmName,
    alarmArn,
    account: m.AWSAccountId,
    region,
    alarmKind: m.AlarmRule !== undefined || !trigger ? 'composite' : 'metric',
    state: m.NewStateValue,
    previousState: m.OldStateValue,
    reason: m.NewStateReason,
    stateChangedAt,
    ...summary,
    resourceId: resourceIdFor(summary.dimensions, m.AlarmName),
  };
}

interface BuildInput {
  shape: 'eventbridge' | 'lambda';
  alarmName: string;
  alarmArn: string;
  account: string;
  region: string;
  state: AlarmStateChange['state'];
  previousState: AlarmStateChange['previousState'];
  reason: string;
  timestamp: string;
  timestampPath: string;
  actionsSuppressedBy: string | undefined;
  configuration: Configuration;
}

function build(record: number, input: BuildInput): AlarmStateChange {
  const stateChangedAt = parseAlarmTimestamp(input.timestamp);
  if (stateChangedAt === undefined) {
    throw malformed('bad timestamp', [
      { record, path: input.timestampPath, message: `not an ISO-8601 timestamp: "${input.timestamp}"` },
    ]);
  }
  if (!splitAlarmArn(input.alarmArn)) {
    throw malformed('bad alarm ARN', [
      { record, path: 'alarmArn', message: `not an alarm ARN: "${input.alarmArn}"` },
    ]);
  }
  const metrics: AlarmMetricRef[] = (input.configuration.metrics ?? []).flatMap((q) =>
    q.metricStat
      ? [
          {
            namespace: q.metricStat.metric.namespace,
            metricName: q.metricStat.metric.name,
            dimensions: q.metricStat.metric.dimensions ?? {},
            returnData: q.returnData ?? false,
          },
        ]
      : [],
  );
  const summary = summarizeMetrics(metrics);
  return {
    shape: input.shape,
    alarmName: input.alarmName,
    alarmArn: input.alarmArn,
    account: input.account,
    region: input.region,
    alarmKind: input.configuration.alarmRule !== undefined ? 'composite' : 'metric',
    state: input.state,
    previousState: input.previousState,
    reason: input.reason,
    stateChangedAt,
    ...summary,
    resourceId: resourceIdFor(summary.dimensions, input.alarmName),
    ...(input.actionsSuppressedBy !== undefined ? { actionsSuppressedBy: input.actionsSuppressedBy } : {}),
  };
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>` (names may contain `:`). */
function splitAlarmArn(arn: string): { region: string; account: string; name: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'cloudwatch' || parts[5] !== 'alarm')
    return undefined;
  const region = parts[3] ?? '';
  const account = parts[4] ?? '';
  if (!region || !account) return undefined;
  return { region, account, name: parts.slice(6).join(':') };
}

const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

function dimensionsFromList(list: readonly { name: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of list) out[d.name] = d.value;
  return out;
}

function zodIssues(error: z.ZodError, record: number): AlarmIssue[] {
  return error.issues.map((issue) => ({
    record,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

function fromZod(what: string, error: z.ZodError, record: number): MalformedAlarmEventError {
  const issues = zodIssues(error, record);
  const first = issues[0];
  return malformed(
    `${what} is malformed: ${first ? `${first.path || '(root)'}: ${first.message}` : 'invalid'}`,
    issues,
  );
}

const malformed = (message: string, issues: AlarmIssue[]) => new MalformedAlarmEventError(message, issues);
