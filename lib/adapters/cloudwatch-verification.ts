import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { RunbookTargetNotFoundError } from '../runbooks/errors.js';
import {
  type AlarmCheck,
  type AlarmStateValue,
  evaluateRecovery,
  type MetricCheck,
  type MetricCheckSpec,
  type MetricPoint,
} from '../runbooks/verification.js';
import { call } from './runbook-sdk-errors.js';

/**
 * Reads an alarm's state (metric or composite alarm): recovered when it is `OK`. Throws
 * `RunbookTargetNotFoundError` when no alarm has that name, `TransientRunbookError` on throttling.
 *
 * @example
 * const { recovered, state } = await checkAlarm(new CloudWatchClient({}), 'orders-5xx');
 */
export async function checkAlarm(cloudwatch: CloudWatchClient, alarmName: string): Promise<AlarmCheck> {
  const out = await call('cloudwatch:DescribeAlarms', () =>
    cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    ),
  );
  const alarm = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].find(
    (a) => a.AlarmName === alarmName,
  );
  if (!alarm) throw new RunbookTargetNotFoundError(`Alarm ${alarmName} not found`, 'AlarmNotFound');
  const state = (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue;
  return {
    alarmName,
    state,
    reason: alarm.StateReason ?? '',
    ...(alarm.StateUpdatedTimestamp ? { stateUpdatedAtMs: alarm.StateUpdatedTimestamp.getTime() } : {}),
    recovered: state === 'OK',
  };
}

/**
 * Fetches the metric's recent datapoints with GetMetricData and judges recovery with `evaluateRecovery`:
 * recovered when the latest `healthyDatapoints` are all non-breaching. `nowMs` is a parameter (no hidden clock).
 *
 * @example
 * await checkMetric(cw, { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'prod', ServiceName: 'orders' },
 *   stat: 'Average', periodSeconds: 60, comparison: 'GreaterThanThreshold', threshold: 90, healthyDatapoints: 3 }, Date.now());
 */
export async function checkMetric(
  cloudwatch: CloudWatchClient,
  spec: MetricCheckSpec,
  nowMs: number,
): Promise<MetricCheck> {
  const lookbackMs = (spec.lookbackSeconds ?? spec.periodSeconds * (spec.healthyDatapoints + 2)) * 1000;
  const points: MetricPoint[] = [];
  let nextToken: string | undefined;
  // Bounded paging: the window holds a handful of datapoints; more than 10 pages means something is wrong.
  for (let page = 0; page < 10; page++) {
    const out = await call('cloudwatch:GetMetricData', () =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(nowMs - lookbackMs),
          EndTime: new Date(nowMs),
          ScanBy: 'TimestampDescending',
          MetricDataQueries: [
            {
              Id: 'm0',
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: spec.namespace,
                  MetricName: spec.metricName,
                  Dimensions: Object.entries(spec.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: spec.periodSeconds,
                Stat: spec.stat,
              },
            },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    const series = out.MetricDataResults?.find((r) => r.Id === 'm0');
    const timestamps = series?.Timestamps ?? [];
    const values = series?.Values ?? [];
    timestamps.forEach((t, i) => {
      const value = values[i];
      if (value !== undefined) points.push({ timestampMs: t.getTime(), value });
    });
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return evaluateRecovery(points, spec);
}
