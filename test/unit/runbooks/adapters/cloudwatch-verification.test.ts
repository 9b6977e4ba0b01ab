import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { checkAlarm, checkMetric } from '../../../../lib/adapters/cloudwatch-verification.js';
import type { MetricCheckSpec } from '../../../../lib/runbooks/verification.js';
import {
  clientConfig,
  json,
  type RecordedRequest,
  recordingHandler,
  target,
} from '../support/recording-http.js';

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.0' };

function client(respond: (r: RecordedRequest) => { status?: number; body?: string }) {
  const rec = recordingHandler((r) => ({ headers: JSON_HEADERS, ...respond(r) }));
  return { rec, cw: new CloudWatchClient(clientConfig(rec.handler)) };
}

const spec: MetricCheckSpec = {
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  dimensions: { ClusterName: 'prod', ServiceName: 'orders' },
  stat: 'Average',
  periodSeconds: 60,
  comparison: 'GreaterThanThreshold',
  threshold: 90,
  healthyDatapoints: 3,
};

describe('checkAlarm', () => {
  it('sends DescribeAlarms for the one alarm and reports OK as recovered', async () => {
    const { rec, cw } = client(() => ({
      body: JSON.stringify({
        MetricAlarms: [
          {
            AlarmName: 'orders-5xx',
            StateValue: 'OK',
            StateReason: 'Threshold Crossed',
            StateUpdatedTimestamp: 1_764_000_000,
          },
        ],
        CompositeAlarms: [],
      }),
    }));
    await expect(checkAlarm(cw, 'orders-5xx')).resolves.toEqual({
      alarmName: 'orders-5xx',
      state: 'OK',
      reason: 'Threshold Crossed',
      stateUpdatedAtMs: 1_764_000_000_000,
      recovered: true,
    });
    expect(target(rec.requests[0] as RecordedRequest)).toBe('GraniteServiceVersion20100801.DescribeAlarms');
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({
      AlarmNames: ['orders-5xx'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
  });

  it('reads composite alarms; ALARM is not recovered; an unknown alarm is RunbookTargetNotFoundError', async () => {
    const composite = client(() => ({
      body: JSON.stringify({
        MetricAlarms: [],
        CompositeAlarms: [{ AlarmName: 'fleet', StateValue: 'ALARM' }],
      }),
    }));
    await expect(checkAlarm(composite.cw, 'fleet')).resolves.toMatchObject({
      state: 'ALARM',
      recovered: false,
    });
    const none = client(() => ({ body: JSON.stringify({ MetricAlarms: [], CompositeAlarms: [] }) }));
    await expect(checkAlarm(none.cw, 'gone')).rejects.toMatchObject({ name: 'RunbookTargetNotFoundError' });
  });

  it('maps throttling to TransientRunbookError', async () => {
    const { cw } = client(() => ({
      status: 400,
      body: JSON.stringify({ __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }),
    }));
    await expect(checkAlarm(cw, 'a')).rejects.toMatchObject({ name: 'TransientRunbookError' });
  });
});

describe('checkMetric', () => {
  const now = Date.UTC(2026, 10, 26, 4, 0, 0);
  const t = (minutesAgo: number) => (now - minutesAgo * 60_000) / 1000;

  it('sends GetMetricData for the window and judges the latest datapoints', async () => {
    const { rec, cw } = client(() => ({
      body: JSON.stringify({
        MetricDataResults: [
          {
            Id: 'm0',
            Timestamps: [t(1), t(2), t(3), t(4)],
            Values: [40, 50, 60, 99],
            StatusCode: 'Complete',
          },
        ],
      }),
    }));
    const verdict = await checkMetric(cw, spec, now);
    expect(verdict.recovered).toBe(true);
    expect(verdict.considered.map((p) => p.value)).toEqual([40, 50, 60]);
    const req = rec.requests[0] as RecordedRequest;
    expect(target(req)).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(json(req)).toEqual({
      StartTime: (now - 5 * 60_000) / 1000,
      EndTime: now / 1000,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm0',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ECS',
              MetricName: 'CPUUtilization',
              Dimensions: [
                { Name: 'ClusterName', Value: 'prod' },
                { Name: 'ServiceName', Value: 'orders' },
              ],
            },
            Period: 60,
            Stat: 'Average',
          },
        },
      ],
    });
  });

  it('follows NextToken and is not recovered while a recent datapoint breaches', async () => {
    const { rec, cw } = client((r) =>
      json(r).NextToken === undefined
        ? {
            body: JSON.stringify({
              MetricDataResults: [{ Id: 'm0', Timestamps: [t(1)], Values: [20] }],
              NextToken: 'n',
            }),
          }
        : {
            body: JSON.stringify({
              MetricDataResults: [{ Id: 'm0', Timestamps: [t(2), t(3)], Values: [95, 10] }],
            }),
          },
    );
    const verdict = await checkMetric(cw, spec, now);
    expect(rec.requests).toHaveLength(2);
    expect(json(rec.requests[1] as RecordedRequest).NextToken).toBe('n');
    expect(verdict).toMatchObject({ recovered: false, breaching: 1 });
  });
});
