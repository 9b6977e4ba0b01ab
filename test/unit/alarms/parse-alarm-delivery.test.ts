import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MalformedAlarmEventError,
  parseAlarmDelivery,
  parseAlarmTimestamp,
  regionCodeFromDisplayName,
  resourceIdFor,
} from '../../../lib/alarms/index.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/alarms/${name}`, import.meta.url), 'utf8'));

const malformed = (event: unknown): MalformedAlarmEventError => {
  try {
    parseAlarmDelivery(event);
  } catch (error) {
    if (error instanceof MalformedAlarmEventError) return error;
    throw error;
  }
  throw new Error('expected MalformedAlarmEventError');
};

describe('parseAlarmDelivery', () => {
  it('normalizes an EventBridge single-metric alarm event', () => {
    const [change, ...rest] = parseAlarmDelivery(fixture('eventbridge-metric.json'));
    expect(rest).toEqual([]);
    expect(change).toEqual({
      shape: 'eventbridge',
      alarmName: 'ServerCpuTooHigh',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
      account: '123456789012',
      region: 'us-east-1',
      alarmKind: 'metric',
      state: 'ALARM',
      previousState: 'OK',
      reason: expect.stringContaining('Threshold Crossed'),
      stateChangedAt: Date.UTC(2019, 9, 2, 17, 4, 40, 989),
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: 'i-12345678901234567' },
      resourceId: 'InstanceId=i-12345678901234567',
    });
  });

  it('takes the shared dimensions of a metric-math alarm and no single metric name', () => {
    const [change] = parseAlarmDelivery(fixture('eventbridge-metric-math.json'));
    expect(change).toMatchObject({
      alarmKind: 'metric',
      namespace: 'AWS/EC2',
      dimensions: { InstanceId: 'i-12345678901234567' },
      resourceId: 'InstanceId=i-12345678901234567',
      previousState: 'INSUFFICIENT_DATA',
    });
    expect(change?.metricName).toBeUndefined();
  });

  it('falls back to the alarm name for a composite alarm and keeps actionsSuppressedBy', () => {
    const [change] = parseAlarmDelivery(fixture('eventbridge-composite.json'));
    expect(change).toMatchObject({
      alarmKind: 'composite',
      dimensions: {},
      resourceId: 'alarm:ServiceAggregatedAlarm',
      actionsSuppressedBy: 'WaitPeriod',
      stateChangedAt: Date.UTC(2022, 6, 22, 15, 57, 45, 394),
    });
    expect(change?.namespace).toBeUndefined();
  });

  it('parses the SNS notification, mapping the region display name and +0000 timestamps', () => {
    const [change] = parseAlarmDelivery(fixture('sns-single-metric.json'));
    expect(change).toMatchObject({
      shape: 'sns',
      alarmName: 'Example alarm name',
      region: 'eu-west-1',
      account: '000000000000',
      state: 'ALARM',
      previousState: 'OK',
      stateChangedAt: Date.UTC(2017, 0, 12, 16, 30, 42, 236),
      namespace: 'ExampleNamespace',
      metricName: 'DeliveryErrors',
      resourceId: 'QueueName=orders',
    });
  });

  it('parses an SNS metric-math notification (Trigger.Metrics)', () => {
    const [change] = parseAlarmDelivery(fixture('sns-metric-math.json'));
    expect(change).toMatchObject({
      region: 'us-east-1',
      namespace: 'AWS/EC2',
      metricName: 'NetworkOut',
      resourceId: 'InstanceId=i-0abc1234def567890',
    });
  });

  it('builds the alarm ARN of an old SNS notification from the display region', () => {
    const [change] = parseAlarmDelivery(fixture('sns-legacy-no-arn.json'));
    expect(change).toMatchObject({
      alarmArn: 'arn:aws:cloudwatch:us-east-1:663000815183:alarm:alarm-test',
      region: 'us-east-1',
      state: 'OK',
      resourceId: 'QueueName=fault-handling-test',
    });
  });

  it('parses the direct Lambda alarm action payloads (metric and composite)', () => {
    const [metric] = parseAlarmDelivery(fixture('lambda-metric.json'));
    expect(metric).toMatchObject({
      shape: 'lambda',
      account: '444455556666',
      state: 'ALARM',
      previousState: 'INSUFFICIENT_DATA',
      namespace: 'AWS/Logs',
      metricName: 'CallCount',
      resourceId: 'InstanceId=i-12345678',
    });
    const [composite] = parseAlarmDelivery(fixture('lambda-composite.json'));
    expect(composite).toMatchObject({ alarmKind: 'composite', resourceId: 'alarm:CompositeDemo.Main' });
  });

  it('returns one change per SNS record', () => {
    const a = fixture('sns-single-metric.json') as { Records: unknown[] };
    const b = fixture('sns-metric-math.json') as { Records: unknown[] };
    const changes = parseAlarmDelivery({ Records: [...a.Records, ...b.Records] });
    expect(changes.map((c) => c.alarmName)).toEqual(['Example alarm name', 'NetworkOutTooHigh']);
  });

  it('tolerates unknown extra fields at every level', () => {
    const event = fixture('eventbridge-metric.json');
    const detail = event.detail as Record<string, unknown>;
    const withExtras = {
      ...event,
      newTopLevel: 1,
      detail: { ...detail, alarmTags: { team: 'a' }, state: { ...(detail.state as object), extra: true } },
    };
    expect(parseAlarmDelivery(withExtras)[0]?.resourceId).toBe('InstanceId=i-12345678901234567');
  });

  it('rejects unrecognized shapes, missing fields, bad states and bad timestamps with a typed error', () => {
    expect(malformed(null).name).toBe('MalformedAlarmEventError');
    expect(malformed({ hello: 'world' }).message).toMatch(/not a CloudWatch alarm event/);
    const event = fixture('eventbridge-metric.json');
    const detail = event.detail as Record<string, unknown>;
    const state = detail.state as Record<string, unknown>;
    expect(malformed({ ...event, resources: [] }).issues[0]?.path).toBe('resources');
    expect(
      malformed({ ...event, detail: { ...detail, state: { ...state, value: 'RED' } } }).issues[0]?.path,
    ).toBe('detail.state.value');
    const badTime = malformed({
      ...event,
      detail: { ...detail, state: { ...state, timestamp: '02/10/2019' } },
    });
    expect(badTime.issues[0]?.path).toBe('detail.state.timestamp');
    expect(
      malformed({ ...event, 'detail-type': 'CloudWatch Alarm Configuration Change' }).issues[0]?.path,
    ).toBe('detail-type');
    const lambda = fixture('lambda-metric.json');
    expect(malformed({ ...lambda, alarmArn: 'not-an-arn' }).issues[0]?.path).toBe('alarmArn');
  });

  it('rejects a whole SNS batch when one record is malformed and names the record', () => {
    const good = (fixture('sns-single-metric.json') as { Records: Record<string, unknown>[] }).Records[0];
    const sns = good?.Sns as Record<string, unknown>;
    const bad = { ...good, Sns: { ...sns, Message: '{"AlarmName":' } };
    const unknownRegion = {
      ...good,
      Sns: {
        ...sns,
        Message: JSON.stringify({
          ...JSON.parse(String(sns.Message)),
          AlarmArn: undefined,
          Region: 'Atlantis',
        }),
      },
    };
    const error = malformed({ Records: [good, bad, unknownRegion] });
    expect(error.issues.map((i) => i.record)).toEqual([1, 2]);
    expect(error.issues[1]?.message).toMatch(/Atlantis/);
  });
});

describe('regionCodeFromDisplayName', () => {
  it('maps old and new display names to region codes', () => {
    expect(regionCodeFromDisplayName('EU - Ireland')).toBe('eu-west-1');
    expect(regionCodeFromDisplayName('Europe (Ireland)')).toBe('eu-west-1');
    expect(regionCodeFromDisplayName('US - N. Virginia')).toBe('us-east-1');
    expect(regionCodeFromDisplayName('US East (N. Virginia)')).toBe('us-east-1');
    expect(regionCodeFromDisplayName('Asia Pacific - Tokyo')).toBe('ap-northeast-1');
    expect(regionCodeFromDisplayName('South America (São Paulo)')).toBe('sa-east-1');
    expect(regionCodeFromDisplayName('Canada (Central)')).toBe('ca-central-1');
    expect(regionCodeFromDisplayName('AWS GovCloud (US-West)')).toBe('us-gov-west-1');
    expect(regionCodeFromDisplayName('eu-central-1')).toBe('eu-central-1');
    expect(regionCodeFromDisplayName('Atlantis')).toBeUndefined();
  });
});

describe('parseAlarmTimestamp', () => {
  it('reads CloudWatch +0000 offsets, Z and +hh:mm, and nothing looser', () => {
    expect(parseAlarmTimestamp('2019-10-02T17:04:40.989+0000')).toBe(Date.UTC(2019, 9, 2, 17, 4, 40, 989));
    expect(parseAlarmTimestamp('2019-10-02T19:04:40.989+0200')).toBe(Date.UTC(2019, 9, 2, 17, 4, 40, 989));
    expect(parseAlarmTimestamp('2019-10-02T17:04:40Z')).toBe(Date.UTC(2019, 9, 2, 17, 4, 40));
    expect(parseAlarmTimestamp('2019-10-02T17:04:40.123456+00:00')).toBe(
      Date.UTC(2019, 9, 2, 17, 4, 40, 123),
    );
    expect(parseAlarmTimestamp('Oct 2 2019')).toBeUndefined();
    expect(parseAlarmTimestamp('2023-08-04T12: 36: 15.490+0000')).toBeUndefined();
  });
});

describe('resourceIdFor', () => {
  it('sorts dimensions, escapes separators and falls back to the alarm name', () => {
    expect(resourceIdFor({ ServiceName: 's', ClusterName: 'c' }, 'x')).toBe('ClusterName=c,ServiceName=s');
    expect(resourceIdFor({ 'a,b': 'c=d' }, 'x')).toBe('a%2cb=c%3dd');
    expect(resourceIdFor({}, 'Composite')).toBe('alarm:Composite');
  });
});
