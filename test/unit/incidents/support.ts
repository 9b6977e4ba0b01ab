import type { AlarmStateValue } from '../../../lib/alarms/index.js';
import {
  type ExecutionStarter,
  ExecutionStartFailedError,
  type RecoveryInput,
  type StartExecutionResult,
} from '../../../lib/incidents/index.js';
import { seededRandom } from '../../../lib/testing/rng.js';

/** One alarm state change as a test describes it (encoded to a real AWS shape by `encodeDelivery`). */
export interface ChangeSpec {
  readonly alarmName: string;
  readonly account?: string;
  readonly region?: string;
  /** Metric dimensions; an empty object makes a composite alarm (resource id from the alarm name). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly state: AlarmStateValue;
  readonly previousState: AlarmStateValue;
  readonly at: number;
  readonly actionsSuppressedBy?: string;
}

export type Shape = 'eventbridge' | 'sns' | 'lambda';

const DISPLAY: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'eu-west-1': 'EU - Ireland',
  'ap-northeast-1': 'Asia Pacific - Tokyo',
};

/** CloudWatch's timestamp format: `2019-10-02T17:04:40.989+0000`. */
export const cwTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** Encodes a change in one of the three documented delivery shapes (see test/fixtures/alarms). */
export function encodeDelivery(spec: ChangeSpec, shape: Shape, deliveryId = 'd-1'): Record<string, unknown> {
  const account = spec.account ?? '123456789012';
  const region = spec.region ?? 'us-east-1';
  const alarmArn = `arn:aws:cloudwatch:${region}:${account}:alarm:${spec.alarmName}`;
  const composite = Object.keys(spec.dimensions).length === 0;
  const reason = `${spec.previousState} -> ${spec.state}`;
  const configuration = composite
    ? { alarmRule: `ALARM(${spec.alarmName}-child)` }
    : {
        description: 'test alarm',
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: spec.dimensions },
              period: 60,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      };
  const state = {
    value: spec.state,
    reason,
    timestamp: cwTime(spec.at),
    ...(spec.actionsSuppressedBy ? { actionsSuppressedBy: spec.actionsSuppressedBy } : {}),
  };
  const previousState = { value: spec.previousState, reason: 'before', timestamp: cwTime(spec.at - 60_000) };
  if (shape === 'eventbridge') {
    return {
      version: '0',
      id: deliveryId,
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account,
      time: new Date(spec.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [alarmArn],
      detail: { alarmName: spec.alarmName, state, previousState, configuration },
    };
  }
  if (shape === 'lambda') {
    return {
      source: 'aws.cloudwatch',
      alarmArn,
      accountId: account,
      time: cwTime(spec.at),
      region,
      alarmData: { alarmName: spec.alarmName, state, previousState, configuration },
    };
  }
  const message = {
    AlarmName: spec.alarmName,
    AlarmDescription: null,
    AWSAccountId: account,
    NewStateValue: spec.state,
    NewStateReason: reason,
    StateChangeTime: cwTime(spec.at),
    Region: DISPLAY[region] ?? region,
    AlarmArn: alarmArn,
    OldStateValue: spec.previousState,
    ...(composite
      ? { AlarmRule: `ALARM(${spec.alarmName}-child)` }
      : {
          Trigger: {
            MetricName: 'CPUUtilization',
            Namespace: 'AWS/EC2',
            Statistic: 'AVERAGE',
            Unit: null,
            Dimensions: Object.entries(spec.dimensions).map(([name, value]) => ({ value, name })),
            Period: 60,
            EvaluationPeriods: 1,
            ComparisonOperator: 'GreaterThanThreshold',
            Threshold: 50,
          },
        }),
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: {
          Type: 'Notification',
          MessageId: deliveryId,
          Message: JSON.stringify(message),
          Timestamp: new Date(spec.at).toISOString(),
        },
      },
    ],
  };
}

export type StartMode = 'ok' | 'fail' | 'fail-after-start';

/**
 * A Step Functions stand-in with StartExecution's naming semantics: a name is used once, a second start
 * reports `already-exists`. Failures can be injected: `fail` throws before starting, `fail-after-start` starts
 * and then throws (the ambiguous timeout case).
 */
export class RecordingStarter implements ExecutionStarter {
  readonly executions = new Map<string, RecoveryInput>();
  /** Every StartExecution call, including refused and failed ones. */
  calls = 0;
  constructor(private readonly mode: () => StartMode = () => 'ok') {}

  async start(request: {
    readonly name: string;
    readonly input: RecoveryInput;
  }): Promise<StartExecutionResult> {
    this.calls++;
    await new Promise((r) => setImmediate(r));
    const mode = this.mode();
    if (mode === 'fail') throw new ExecutionStartFailedError('injected failure', request.input.incidentId);
    if (this.executions.has(request.name)) return { kind: 'already-exists' };
    this.executions.set(request.name, request.input);
    if (mode === 'fail-after-start')
      throw new ExecutionStartFailedError('injected timeout', request.input.incidentId);
    return {
      kind: 'started',
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:recovery:${request.name}`,
    };
  }
}

/** Re-exported: the project's one seeded PRNG (mulberry32). */
export const prng = seededRandom;
