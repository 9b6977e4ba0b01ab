import { createHash } from 'node:crypto';
import type { AlarmState, MetricAlarmDefinition } from './alarm-evaluator.js';

/** One alarm state change, from which each of AWS's three delivery shapes is built. */
export interface AlarmStateChange {
  readonly alarm: MetricAlarmDefinition;
  readonly alarmArn: string;
  readonly account: string;
  readonly region: string;
  readonly state: AlarmState;
  readonly previousState: AlarmState;
  readonly reason: string;
  readonly reasonData: Readonly<Record<string, unknown>>;
  readonly timestampMs: number;
  readonly previousTimestampMs: number;
}

/** CloudWatch's own timestamp style in alarm events: `2019-10-02T17:04:40.989+0000`. */
export const cloudWatchTimestamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

const dimensionList = (alarm: MetricAlarmDefinition) =>
  Object.entries(alarm.dimensions).map(([name, value]) => ({ name, value }));

/** A deterministic id per state change, so a re-sent delivery is recognisably the same event. */
const eventId = (change: AlarmStateChange, kind: string) => {
  const h = createHash('sha256')
    .update(`${kind}|${change.alarmArn}|${change.state}|${change.timestampMs}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** The alarm part both the EventBridge event (`detail`) and the alarm action payload (`alarmData`) carry. */
function alarmData(change: AlarmStateChange): Record<string, unknown> {
  const { alarm } = change;
  return {
    alarmName: alarm.alarmName,
    state: {
      value: change.state,
      reason: change.reason,
      reasonData: JSON.stringify(change.reasonData),
      timestamp: cloudWatchTimestamp(change.timestampMs),
    },
    previousState: {
      value: change.previousState,
      reason: 'Previous state',
      timestamp: cloudWatchTimestamp(change.previousTimestampMs),
    },
    configuration: {
      description: alarm.alarmDescription ?? '',
      metrics: [
        {
          id: 'm1',
          metricStat: {
            metric: {
              namespace: alarm.namespace,
              name: alarm.metricName,
              dimensions: { ...alarm.dimensions },
            },
            period: alarm.periodSeconds,
            stat: alarm.statistic,
          },
          returnData: true,
        },
      ],
    },
  };
}

/** The EventBridge `CloudWatch Alarm State Change` event (metric alarm). */
export function eventBridgeAlarmEvent(change: AlarmStateChange): Record<string, unknown> {
  return {
    version: '0',
    id: eventId(change, 'eventbridge'),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: change.account,
    time: new Date(change.timestampMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: change.region,
    resources: [change.alarmArn],
    detail: alarmData(change),
  };
}

const regionDisplayNames: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
};

/** The SNS notification an alarm action publishes, wrapped in the Lambda SNS event. */
export function snsAlarmEvent(change: AlarmStateChange): Record<string, unknown> {
  const { alarm } = change;
  const message = {
    AlarmName: alarm.alarmName,
    AlarmDescription: alarm.alarmDescription ?? null,
    AWSAccountId: change.account,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTimestamp(change.previousTimestampMs),
    NewStateValue: change.state,
    NewStateReason: change.reason,
    StateChangeTime: cloudWatchTimestamp(change.timestampMs),
    Region: regionDisplayNames[change.region] ?? change.region,
    AlarmArn: change.alarmArn,
    OldStateValue: change.previousState,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      StatisticType: 'Statistic',
      Statistic: alarm.statistic.toUpperCase(),
      Unit: null,
      Dimensions: dimensionList(alarm),
      Period: alarm.periodSeconds,
      EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
      ComparisonOperator: alarm.comparisonOperator,
      Threshold: alarm.threshold,
      TreatMissingData: alarm.treatMissingData ?? 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  };
  const topicArn = `arn:aws:sns:${change.region}:${change.account}:faultline-alarms`;
  const messageId = eventId(change, 'sns');
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${messageId}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: `${change.state}: "${alarm.alarmName}" in ${regionDisplayNames[change.region] ?? change.region}`,
          Message: JSON.stringify(message),
          Timestamp: new Date(change.timestampMs).toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.example/cert.pem',
          UnsubscribeUrl: 'https://sns.example/unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** The payload CloudWatch sends when an alarm's action is a Lambda function. */
export function lambdaActionAlarmEvent(change: AlarmStateChange): Record<string, unknown> {
  return {
    source: 'aws.cloudwatch',
    alarmArn: change.alarmArn,
    accountId: change.account,
    time: new Date(change.timestampMs).toISOString().replace(/Z$/, '+0000'),
    region: change.region,
    alarmData: alarmData(change),
  };
}
