import { describe, expect, it } from 'vitest';
import {
  evaluateRecovery,
  isBreaching,
  type MetricCheckSpec,
  metricCheckSpecSchema,
} from '../../../lib/runbooks/verification.js';

const spec: MetricCheckSpec = {
  namespace: 'N',
  metricName: 'Errors',
  stat: 'Sum',
  periodSeconds: 60,
  comparison: 'GreaterThanThreshold',
  threshold: 5,
  healthyDatapoints: 3,
};

describe('evaluateRecovery', () => {
  it('needs the latest N datapoints within threshold, whatever order they come in', () => {
    const points = [
      { timestampMs: 3, value: 1 },
      { timestampMs: 1, value: 0 },
      { timestampMs: 4, value: 2 },
      { timestampMs: 2, value: 50 },
    ];
    expect(evaluateRecovery(points, spec)).toMatchObject({ recovered: false, breaching: 1 });
    expect(evaluateRecovery([...points, { timestampMs: 5, value: 0 }], spec)).toMatchObject({
      recovered: true,
      breaching: 0,
    });
  });

  it('treats missing datapoints as not yet recovered', () => {
    expect(evaluateRecovery([{ timestampMs: 1, value: 0 }], spec)).toMatchObject({
      recovered: false,
      reason: 'only 1 of 3 datapoints available',
    });
    expect(evaluateRecovery([{ timestampMs: 1, value: Number.NaN }], spec).considered).toEqual([]);
  });

  it('applies each comparison operator at the threshold', () => {
    expect(isBreaching(5, 'GreaterThanThreshold', 5)).toBe(false);
    expect(isBreaching(5, 'GreaterThanOrEqualToThreshold', 5)).toBe(true);
    expect(isBreaching(5, 'LessThanThreshold', 5)).toBe(false);
    expect(isBreaching(5, 'LessThanOrEqualToThreshold', 5)).toBe(true);
  });
});

describe('metricCheckSpecSchema', () => {
  it('accepts a spec and names what is wrong with a bad one', () => {
    expect(metricCheckSpecSchema.parse(spec)).toEqual(spec);
    const bad = metricCheckSpecSchema.safeParse({ ...spec, comparison: 'Above', healthyDatapoints: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['comparison', 'healthyDatapoints']);
  });
});
