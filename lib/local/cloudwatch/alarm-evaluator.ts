/**
 * CloudWatch metric-alarm evaluation, as documented ("Evaluating an alarm", "Configuring how CloudWatch alarms
 * treat missing data"): at each period boundary the alarm looks at the last `evaluationPeriods` datapoints and goes
 * to ALARM when at least `datapointsToAlarm` of them breach, to OK otherwise, and to INSUFFICIENT_DATA (or keeps
 * its state) when data is missing, according to `treatMissingData`. Pure: time and data come in as arguments.
 */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export interface MetricAlarmDefinition {
  readonly alarmName: string;
  readonly alarmDescription?: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** @default 'missing' */
  readonly treatMissingData?: TreatMissingData;
}

export interface Evaluation {
  readonly state: AlarmState;
  readonly reason: string;
  /** The datapoints considered, oldest first; null where a period had no data. */
  readonly datapoints: ReadonlyArray<number | null>;
  readonly breaching: number;
}

export function aggregate(values: readonly number[], statistic: Statistic): number | null {
  if (values.length === 0) return null;
  switch (statistic) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
}

export function breaches(value: number, alarm: MetricAlarmDefinition): boolean {
  switch (alarm.comparisonOperator) {
    case 'GreaterThanThreshold':
      return value > alarm.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.threshold;
    case 'LessThanThreshold':
      return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.threshold;
  }
}

/**
 * Evaluates the alarm over its last `evaluationPeriods` datapoints.
 * @param datapoints the period aggregates, oldest first (null = no data in that period)
 */
export function evaluate(
  alarm: MetricAlarmDefinition,
  datapoints: ReadonlyArray<number | null>,
  current: AlarmState,
): Evaluation {
  const window = datapoints.slice(-alarm.evaluationPeriods);
  const needed = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
  const treat = alarm.treatMissingData ?? 'missing';
  let breaching = 0;
  let present = 0;
  for (const value of window) {
    if (value === null) {
      if (treat === 'breaching') breaching += 1;
      if (treat === 'breaching' || treat === 'notBreaching') present += 1;
      continue;
    }
    present += 1;
    if (breaches(value, alarm)) breaching += 1;
  }
  const shown = `[${window.map((v) => (v === null ? 'missing' : round(v))).join(', ')}]`;
  if (breaching >= needed) {
    return {
      state: 'ALARM',
      breaching,
      datapoints: window,
      reason: `Threshold Crossed: ${breaching} out of the last ${window.length} datapoints ${shown} were ${relation(alarm)} the threshold (${alarm.threshold}) (minimum ${needed} datapoints for OK -> ALARM transition).`,
    };
  }
  if (present === 0) {
    if (treat === 'ignore')
      return { state: current, breaching, datapoints: window, reason: 'No data: state kept' };
    return {
      state: 'INSUFFICIENT_DATA',
      breaching,
      datapoints: window,
      reason: `Insufficient Data: ${window.length} datapoints were unknown.`,
    };
  }
  return {
    state: 'OK',
    breaching,
    datapoints: window,
    reason: `Threshold Crossed: ${window.length - breaching} out of the last ${window.length} datapoints ${shown} were not ${relation(alarm)} the threshold (${alarm.threshold}) (minimum ${Math.max(1, window.length - needed + 1)} datapoints for ALARM -> OK transition).`,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function relation(alarm: MetricAlarmDefinition): string {
  switch (alarm.comparisonOperator) {
    case 'GreaterThanThreshold':
      return 'greater than';
    case 'GreaterThanOrEqualToThreshold':
      return 'greater than or equal to';
    case 'LessThanThreshold':
      return 'less than';
    case 'LessThanOrEqualToThreshold':
      return 'less than or equal to';
  }
}
