import { describe, expect, it } from 'vitest';
import { evaluate, type MetricAlarmDefinition } from '../../../lib/local/cloudwatch/alarm-evaluator.js';

const alarm = (overrides: Partial<MetricAlarmDefinition> = {}): MetricAlarmDefinition => ({
  alarmName: 'a',
  namespace: 'N',
  metricName: 'M',
  dimensions: {},
  statistic: 'Average',
  periodSeconds: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 5,
  comparisonOperator: 'GreaterThanThreshold',
  ...overrides,
});

describe('evaluate (CloudWatch alarm semantics)', () => {
  it('goes to ALARM when N of the last M datapoints breach', () => {
    expect(evaluate(alarm(), [6, 1, 7], 'OK').state).toBe('ALARM');
    expect(evaluate(alarm(), [6, 1, 1], 'ALARM').state).toBe('OK');
  });

  it('looks only at the last evaluationPeriods datapoints', () => {
    expect(evaluate(alarm(), [9, 9, 9, 1, 1, 1], 'ALARM').state).toBe('OK');
  });

  it('treats missing data as the alarm says', () => {
    const gaps = [null, 9, null];
    expect(evaluate(alarm({ treatMissingData: 'breaching' }), gaps, 'OK').state).toBe('ALARM');
    expect(evaluate(alarm({ treatMissingData: 'notBreaching' }), gaps, 'ALARM').state).toBe('OK');
    expect(evaluate(alarm({ treatMissingData: 'missing' }), [null, null, null], 'OK').state).toBe(
      'INSUFFICIENT_DATA',
    );
    expect(evaluate(alarm({ treatMissingData: 'ignore' }), [null, null, null], 'ALARM').state).toBe('ALARM');
  });

  it('honours each comparison operator at the threshold', () => {
    const at = [5, 5, 5];
    expect(evaluate(alarm({ comparisonOperator: 'GreaterThanThreshold' }), at, 'OK').state).toBe('OK');
    expect(evaluate(alarm({ comparisonOperator: 'GreaterThanOrEqualToThreshold' }), at, 'OK').state).toBe(
      'ALARM',
    );
    expect(evaluate(alarm({ comparisonOperator: 'LessThanThreshold' }), at, 'OK').state).toBe('OK');
    expect(evaluate(alarm({ comparisonOperator: 'LessThanOrEqualToThreshold' }), at, 'OK').state).toBe(
      'ALARM',
    );
  });

  it('says why, the way CloudWatch phrases it', () => {
    expect(evaluate(alarm(), [0, 17.5, 17.333], 'OK').reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [0, 17.5, 17.333] were greater than the threshold (5) (minimum 2 datapoints for OK -> ALARM transition).',
    );
  });
});
