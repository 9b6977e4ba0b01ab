import { z } from 'zod';

/**
 * Recovery verification, the pure part: the workflow re-checks the alarm (DescribeAlarms) or the metric
 * (GetMetricData) in a Wait loop until recovered or a deadline passes. The CloudWatch calls live in
 * lib/adapters/cloudwatch-verification.ts.
 */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmCheck {
  readonly alarmName: string;
  readonly state: AlarmStateValue;
  readonly reason: string;
  /** When the alarm last changed state, epoch ms (absent if CloudWatch did not say). */
  readonly stateUpdatedAtMs?: number;
  /** True only for `OK`: INSUFFICIENT_DATA is not evidence of recovery. */
  readonly recovered: boolean;
}

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** A metric and the alarm-like condition that means "still broken". */
export interface MetricCheckSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** e.g. `Average`, `Sum`, `Maximum`, `p99`. */
  readonly stat: string;
  readonly periodSeconds: number;
  /** A datapoint that satisfies `value <comparison> threshold` is breaching (as in the alarm). */
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  /** Recovered when the latest this-many datapoints are all non-breaching. */
  readonly healthyDatapoints: number;
  /** How far back to fetch; default `periodSeconds * (healthyDatapoints + 2)`. */
  readonly lookbackSeconds?: number;
}

export interface MetricPoint {
  readonly timestampMs: number;
  readonly value: number;
}

export interface MetricCheck {
  readonly recovered: boolean;
  /** Newest first: the datapoints the verdict was based on. */
  readonly considered: readonly MetricPoint[];
  readonly breaching: number;
  readonly reason: string;
}

export function isBreaching(value: number, comparison: ComparisonOperator, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * Judges recovery from datapoints (any order). Missing datapoints are not evidence either way: with fewer than
 * `healthyDatapoints` points the verdict is "not recovered yet".
 *
 * @example
 * evaluateRecovery([{ timestampMs: 2, value: 0 }, { timestampMs: 1, value: 0 }],
 *   { namespace: 'N', metricName: 'Errors', stat: 'Sum', periodSeconds: 60, comparison: 'GreaterThanThreshold', threshold: 5, healthyDatapoints: 2 });
 * // → { recovered: true, ... }
 */
export function evaluateRecovery(points: readonly MetricPoint[], spec: MetricCheckSpec): MetricCheck {
  const considered = points
    .filter((p) => Number.isFinite(p.value) && Number.isFinite(p.timestampMs))
    .sort((a, b) => b.timestampMs - a.timestampMs)
    .slice(0, spec.healthyDatapoints);
  const breaching = considered.filter((p) => isBreaching(p.value, spec.comparison, spec.threshold)).length;
  if (considered.length < spec.healthyDatapoints) {
    return {
      recovered: false,
      considered,
      breaching,
      reason: `only ${considered.length} of ${spec.healthyDatapoints} datapoints available`,
    };
  }
  return {
    recovered: breaching === 0,
    considered,
    breaching,
    reason:
      breaching === 0
        ? `latest ${considered.length} datapoints within threshold`
        : `${breaching} of the latest ${considered.length} datapoints breach ${spec.comparison} ${spec.threshold}`,
  };
}

/** Validates a metric check as it arrives in workflow input (e.g. from the construct's props). */
export const metricCheckSpecSchema = z.strictObject({
  namespace: z.string().min(1),
  metricName: z.string().min(1),
  dimensions: z.record(z.string(), z.string()).optional(),
  stat: z.string().min(1),
  periodSeconds: z.int().min(1),
  comparison: z.enum([
    'GreaterThanThreshold',
    'GreaterThanOrEqualToThreshold',
    'LessThanThreshold',
    'LessThanOrEqualToThreshold',
  ]),
  threshold: z.number(),
  healthyDatapoints: z.int().min(1).max(100),
  lookbackSeconds: z.int().min(1).optional(),
}) satisfies z.ZodType<MetricCheckSpec>;
