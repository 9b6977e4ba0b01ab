/**
 * Resource id rule (documented in README.md; other modules compute ids with this function, never by hand):
 *
 * - The alarm's dimensions are the dimension pairs shared by every metric the alarm reads (a single-metric
 *   alarm: its dimensions; a metric-math alarm: the pairs all its `metricStat`s agree on).
 * - With at least one dimension the id is the pairs sorted by name, `Name=Value` joined with `,`; `%`, `,` and
 *   `=` inside names and values are percent-encoded so the id parses back unambiguously.
 *   `{ InstanceId: 'i-1' }` → `InstanceId=i-1`; `{ ServiceName: 's', ClusterName: 'c' }` → `ClusterName=c,ServiceName=s`.
 * - Without dimensions (composite alarms, dimensionless metrics) the id is `alarm:<alarmName>`.
 *
 * Namespace, account and region are deliberately not part of the id: two alarms on the same instance (say
 * `AWS/EC2` CPU and a `CWAgent` memory alarm with the same `InstanceId`) describe one resource.
 *
 * @example
 * resourceIdFor({ InstanceId: 'i-12345678901234567' }, 'ServerCpuTooHigh'); // 'InstanceId=i-12345678901234567'
 * resourceIdFor({}, 'ServiceAggregatedAlarm'); // 'alarm:ServiceAggregatedAlarm'
 */
export function resourceIdFor(dimensions: Readonly<Record<string, string>>, alarmName: string): string {
  const names = Object.keys(dimensions).sort();
  if (names.length === 0) return `alarm:${alarmName}`;
  return names.map((name) => `${encodePart(name)}=${encodePart(dimensions[name] ?? '')}`).join(',');
}

const encodePart = (text: string): string =>
  text.replace(/[%,=]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

/** Metric reference extracted from any alarm shape. */
export interface AlarmMetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly returnData: boolean;
}

/**
 * Namespace, metric name and shared dimensions of an alarm's metrics (see the rule above). `metricName` is set
 * when all metrics have one name, or else when exactly one metric returns data.
 */
export function summarizeMetrics(metrics: readonly AlarmMetricRef[]): {
  namespace?: string;
  metricName?: string;
  dimensions: Record<string, string>;
} {
  const first = metrics[0];
  if (!first) return { dimensions: {} };
  const namespaces = new Set(metrics.map((m) => m.namespace));
  const names = new Set(metrics.map((m) => m.metricName));
  const returning = metrics.filter((m) => m.returnData);
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(first.dimensions)) {
    if (metrics.every((m) => m.dimensions[name] === value)) dimensions[name] = value;
  }
  const metricName =
    names.size === 1 ? first.metricName : returning.length === 1 ? returning[0]?.metricName : undefined;
  return {
    ...(namespaces.size === 1 ? { namespace: first.namespace } : {}),
    ...(metricName !== undefined ? { metricName } : {}),
    dimensions,
  };
}
