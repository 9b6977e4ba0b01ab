import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-aws-config.js';
import { LoopbackServer, readBody } from '../loopback-server.js';
import {
  type AlarmState,
  aggregate,
  type ComparisonOperator,
  evaluate,
  type MetricAlarmDefinition,
  type Statistic,
  type TreatMissingData,
} from './alarm-evaluator.js';
import { type AlarmStateChange, cloudWatchTimestamp } from './alarm-events.js';

interface AlarmRecord {
  readonly definition: MetricAlarmDefinition;
  readonly arn: string;
  state: AlarmState;
  reason: string;
  updatedAtMs: number;
  /** The last period boundary evaluated. */
  evaluatedAtMs: number;
}

export interface CloudWatchEmulatorOptions {
  /** The simulated clock every timestamp comes from. */
  readonly now: () => number;
  /** Told of each alarm state change, synchronously, in time order. */
  readonly onStateChange?: (change: AlarmStateChange) => void;
}

/**
 * A CloudWatch metrics-and-alarms emulator for the drill (no CloudWatch emulator exists here): PutMetricData,
 * PutMetricAlarm, DescribeAlarms, SetAlarmState, DeleteAlarms and GetMetricData over the AWS JSON protocol the v3
 * SDK speaks, so the real Faultline adapters run against it. Alarms are evaluated with CloudWatch's documented
 * semantics at each period boundary of a simulated clock, advanced with `advanceTo`.
 */
export class CloudWatchEmulator {
  private readonly alarms = new Map<string, AlarmRecord>();
  private readonly data = new Map<string, Array<{ t: number; v: number }>>();
  private readonly tags = new Map<string, Record<string, string>>();
  private readonly http = new LoopbackServer((req, res) => this.serve(req, res));

  constructor(private readonly options: CloudWatchEmulatorOptions) {}

  get endpoint(): string {
    return this.http.endpoint;
  }

  listen(port = 0): Promise<string> {
    return this.http.listen(port);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  putMetricAlarm(definition: MetricAlarmDefinition): void {
    const now = this.options.now();
    this.alarms.set(definition.alarmName, {
      definition,
      arn: `arn:aws:cloudwatch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alarm:${definition.alarmName}`,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      updatedAtMs: now,
      evaluatedAtMs: Math.floor(now / (definition.periodSeconds * 1000)) * definition.periodSeconds * 1000,
    });
  }

  putMetricData(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    value: number,
    t?: number,
  ) {
    const key = metricKey(namespace, metricName, dimensions);
    const series = this.data.get(key) ?? [];
    series.push({ t: t ?? this.options.now(), v: value });
    this.data.set(key, series);
  }

  /** Evaluates every alarm at each of its period boundaries up to `ms`, in time order. */
  advanceTo(ms: number): void {
    for (;;) {
      let next: AlarmRecord | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const alarm of this.alarms.values()) {
        const at = alarm.evaluatedAtMs + alarm.definition.periodSeconds * 1000;
        if (at <= ms && at < nextAt) {
          next = alarm;
          nextAt = at;
        }
      }
      if (!next) return;
      next.evaluatedAtMs = nextAt;
      this.evaluateAt(next, nextAt);
    }
  }

  /**
   * SetAlarmState: the alarm takes `state` now (simulated clock) until its next evaluation says otherwise, as in
   * CloudWatch, and is reported like an evaluated change.
   *
   * @example
   * emulator.setAlarmState('checkout-error-rate', 'ALARM', 'drill: flapping');
   */
  setAlarmState(alarmName: string, state: AlarmState, reason: string): void {
    const alarm = this.alarms.get(alarmName);
    if (!alarm) throw new CloudWatchApiError('ResourceNotFound', `Alarm ${alarmName} not found`);
    this.transition(alarm, state, reason, this.options.now(), {});
  }

  alarmState(alarmName: string): { state: AlarmState; updatedAtMs: number; reason: string } | undefined {
    const alarm = this.alarms.get(alarmName);
    return alarm && { state: alarm.state, updatedAtMs: alarm.updatedAtMs, reason: alarm.reason };
  }

  private periodValues(def: MetricAlarmDefinition, endMs: number, periods: number): Array<number | null> {
    const series = this.data.get(metricKey(def.namespace, def.metricName, def.dimensions)) ?? [];
    const periodMs = def.periodSeconds * 1000;
    const out: Array<number | null> = [];
    for (let k = periods; k >= 1; k -= 1) {
      const start = endMs - k * periodMs;
      const values = series.filter((p) => p.t >= start && p.t < start + periodMs).map((p) => p.v);
      out.push(aggregate(values, def.statistic));
    }
    return out;
  }

  private evaluateAt(alarm: AlarmRecord, atMs: number): void {
    const def = alarm.definition;
    const datapoints = this.periodValues(def, atMs, def.evaluationPeriods);
    const result = evaluate(def, datapoints, alarm.state);
    if (result.state === alarm.state) return;
    this.transition(alarm, result.state, result.reason, atMs, {
      version: '1.0',
      queryDate: cloudWatchTimestamp(atMs),
      statistic: def.statistic,
      period: def.periodSeconds,
      recentDatapoints: datapoints.filter((v) => v !== null),
      threshold: def.threshold,
    });
  }

  private transition(
    alarm: AlarmRecord,
    state: AlarmState,
    reason: string,
    atMs: number,
    reasonData: Record<string, unknown>,
  ) {
    const previousState = alarm.state;
    const previousTimestampMs = alarm.updatedAtMs;
    alarm.state = state;
    alarm.reason = reason;
    alarm.updatedAtMs = atMs;
    this.options.onStateChange?.({
      alarm: alarm.definition,
      alarmArn: alarm.arn,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      state,
      previousState,
      reason,
      reasonData,
      timestampMs: atMs,
      previousTimestampMs,
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    try {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const result = this.dispatch(target, body);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(result));
    } catch (error) {
      const code = error instanceof CloudWatchApiError ? error.code : 'InvalidParameterValue';
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${code};Sender`,
      });
      res.end(
        JSON.stringify({ __type: code, message: error instanceof Error ? error.message : String(error) }),
      );
    }
  }

  private dispatch(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      case 'PutMetricAlarm': {
        const definition = fromApiAlarm(body);
        this.putMetricAlarm(definition);
        const arn = this.alarms.get(definition.alarmName)?.arn ?? '';
        this.tags.set(arn, { ...this.tags.get(arn), ...tagMap(body.Tags) });
        return {};
      }
      case 'TagResource': {
        const arn = String(body.ResourceARN);
        this.tags.set(arn, { ...this.tags.get(arn), ...tagMap(body.Tags) });
        return {};
      }
      case 'ListTagsForResource': {
        const arn = String(body.ResourceARN);
        if (![...this.alarms.values()].some((a) => a.arn === arn)) {
          throw new CloudWatchApiError('ResourceNotFoundException', `No alarm ${arn}`);
        }
        return { Tags: Object.entries(this.tags.get(arn) ?? {}).map(([Key, Value]) => ({ Key, Value })) };
      }
      case 'PutMetricData': {
        for (const datum of (body.MetricData as ApiDatum[] | undefined) ?? []) {
          const t = datum.Timestamp === undefined ? undefined : Number(datum.Timestamp) * 1000;
          for (const value of datum.Values ?? [datum.Value ?? 0]) {
            this.putMetricData(String(body.Namespace), datum.MetricName, dims(datum.Dimensions), value, t);
          }
        }
        return {};
      }
      case 'DescribeAlarms': {
        const names = body.AlarmNames as string[] | undefined;
        const prefix = body.AlarmNamePrefix as string | undefined;
        const stateValue = body.StateValue as string | undefined;
        const alarms = [...this.alarms.values()].filter(
          (a) =>
            (!names || names.includes(a.definition.alarmName)) &&
            (!prefix || a.definition.alarmName.startsWith(prefix)) &&
            (!stateValue || a.state === stateValue),
        );
        return { MetricAlarms: alarms.map(toApiAlarm), CompositeAlarms: [] };
      }
      case 'SetAlarmState':
        this.setAlarmState(
          String(body.AlarmName),
          body.StateValue as AlarmState,
          String(body.StateReason ?? ''),
        );
        return {};
      case 'DeleteAlarms':
        for (const name of (body.AlarmNames as string[] | undefined) ?? []) this.alarms.delete(name);
        return {};
      case 'GetMetricData':
        return this.getMetricData(body);
      default:
        throw new CloudWatchApiError(
          'InvalidAction',
          `Operation not supported by the local emulator: ${operation}`,
        );
    }
  }

  private getMetricData(body: Record<string, unknown>): unknown {
    const start = Number(body.StartTime) * 1000;
    const end = Number(body.EndTime) * 1000;
    const results = ((body.MetricDataQueries as ApiQuery[] | undefined) ?? []).map((query) => {
      const stat = query.MetricStat;
      if (!stat) return { Id: query.Id, Label: query.Id, StatusCode: 'Complete', Timestamps: [], Values: [] };
      const def = {
        namespace: stat.Metric.Namespace,
        metricName: stat.Metric.MetricName,
        dimensions: dims(stat.Metric.Dimensions),
        statistic: stat.Stat as Statistic,
        periodSeconds: stat.Period,
      } as MetricAlarmDefinition;
      const periodMs = stat.Period * 1000;
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = Math.floor(start / periodMs) * periodMs; t < end; t += periodMs) {
        const value = this.periodValues(def, t + periodMs, 1)[0];
        if (value !== null && value !== undefined) {
          timestamps.push(t / 1000);
          values.push(value);
        }
      }
      // Newest first, as CloudWatch's default ScanBy (TimestampDescending) returns them.
      return {
        Id: query.Id,
        Label: stat.Metric.MetricName,
        StatusCode: 'Complete',
        Timestamps: timestamps.reverse(),
        Values: values.reverse(),
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }
}

class CloudWatchApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface ApiDimension {
  Name: string;
  Value: string;
}
interface ApiDatum {
  MetricName: string;
  Dimensions?: ApiDimension[];
  Value?: number;
  Values?: number[];
  Timestamp?: number;
}
interface ApiQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: ApiDimension[] };
    Period: number;
    Stat: string;
  };
}

const tagMap = (list: unknown): Record<string, string> =>
  Object.fromEntries(
    ((list as Array<{ Key: string; Value: string }> | undefined) ?? []).map((t) => [t.Key, t.Value]),
  );

const dims = (list: ApiDimension[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));

const metricKey = (namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>) =>
  `${namespace}|${metricName}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

function fromApiAlarm(body: Record<string, unknown>): MetricAlarmDefinition {
  return {
    alarmName: String(body.AlarmName),
    alarmDescription: body.AlarmDescription === undefined ? undefined : String(body.AlarmDescription),
    namespace: String(body.Namespace),
    metricName: String(body.MetricName),
    dimensions: dims(body.Dimensions as ApiDimension[] | undefined),
    statistic: (body.Statistic as Statistic) ?? 'Average',
    periodSeconds: Number(body.Period ?? 60),
    evaluationPeriods: Number(body.EvaluationPeriods ?? 1),
    datapointsToAlarm: body.DatapointsToAlarm === undefined ? undefined : Number(body.DatapointsToAlarm),
    threshold: Number(body.Threshold ?? 0),
    comparisonOperator: body.ComparisonOperator as ComparisonOperator,
    treatMissingData: body.TreatMissingData as TreatMissingData | undefined,
  };
}

function toApiAlarm(alarm: AlarmRecord): Record<string, unknown> {
  const d = alarm.definition;
  return {
    AlarmName: d.alarmName,
    AlarmArn: alarm.arn,
    AlarmDescription: d.alarmDescription,
    StateValue: alarm.state,
    StateReason: alarm.reason,
    StateUpdatedTimestamp: alarm.updatedAtMs / 1000,
    StateTransitionedTimestamp: alarm.updatedAtMs / 1000,
    Namespace: d.namespace,
    MetricName: d.metricName,
    Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Statistic: d.statistic,
    Period: d.periodSeconds,
    EvaluationPeriods: d.evaluationPeriods,
    DatapointsToAlarm: d.datapointsToAlarm ?? d.evaluationPeriods,
    Threshold: d.threshold,
    ComparisonOperator: d.comparisonOperator,
    TreatMissingData: d.treatMissingData ?? 'missing',
    ActionsEnabled: true,
  };
}
