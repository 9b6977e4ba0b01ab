import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricAlarmDefinition } from '../../../lib/local/cloudwatch/alarm-evaluator.js';
import { eventBridgeAlarmEvent } from '../../../lib/local/cloudwatch/alarm-events.js';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.js';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime({
    waitMs: 0,
    stack: { faultHandling: { alarmTag: { key: 'faultline', value: 'on' } } },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const definition = (alarmName: string): MetricAlarmDefinition => ({
  alarmName,
  namespace: 'AWS/EC2',
  metricName: 'CPUUtilization',
  dimensions: { InstanceId: `i-${alarmName}` },
  statistic: 'Average',
  periodSeconds: 60,
  evaluationPeriods: 1,
  threshold: 90,
  comparisonOperator: 'GreaterThanThreshold',
});

const alarmEvent = (alarmName: string) =>
  eventBridgeAlarmEvent({
    alarm: definition(alarmName),
    alarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarmName}`,
    account: '000000000000',
    region: 'us-east-1',
    state: 'ALARM',
    previousState: 'OK',
    reason: 'test',
    reasonData: {},
    timestampMs: Date.UTC(2026, 0, 1),
    previousTimestampMs: Date.UTC(2026, 0, 1) - 60_000,
  });

describe('detect with a watch tag', () => {
  it('opens incidents only for alarms carrying the tag', async () => {
    const cw = new CloudWatchClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      endpoint: runtime.cloudwatch.endpoint,
    });
    for (const [name, tags] of [
      ['tagged', [{ Key: 'faultline', Value: 'on' }]],
      ['untagged', []],
    ] as const) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/EC2',
          MetricName: 'CPUUtilization',
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 90,
          ComparisonOperator: 'GreaterThanThreshold',
          Tags: [...tags],
        }),
      );
    }
    cw.destroy();
    const tagged = (await runtime.invoke('detect', alarmEvent('tagged'))) as {
      results: Array<{ action: string }>;
    };
    const untagged = (await runtime.invoke('detect', alarmEvent('untagged'))) as {
      results: Array<{ action: string }>;
    };
    expect(tagged.results.map((r) => r.action)).toEqual(['opened']);
    expect(untagged.results.map((r) => r.action)).toEqual(['ignored']);
  });
});
