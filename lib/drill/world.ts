import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbIncidentStore } from '../adapters/dynamodb-incident-store.js';
import { DynamoDbRingStore } from '../adapters/dynamodb-ring-store.js';
import type { ExternalEndpoints } from '../local/backends.js';
import type { MetricAlarmDefinition } from '../local/cloudwatch/alarm-evaluator.js';
import { type AlarmStateChange, eventBridgeAlarmEvent } from '../local/cloudwatch/alarm-events.js';
import {
  currentFunction,
  type DeliveryOutcome,
  type LocalRuntime,
  startLocalRuntime,
} from '../local/runtime.js';
import type { ExecutionRecord, HistoryEvent } from '../local/stepfunctions-emulator.js';
import { createRing, getRing, member } from '../ring/index.js';
import { seededRandom } from '../testing/rng.js';
import { SimulatedFleet } from './fleet.js';
import { linesFor } from './log-lines.js';
import { subscriptionEvent } from './logs-subscription.js';
import { narrateTask } from './narrate.js';
import { SimClock } from './sim-clock.js';

export const DRILL_START_MS = Date.UTC(2026, 0, 1, 0, 0, 0);
export const MINUTE_MS = 60_000;

export interface DrillWorldOptions {
  readonly seed?: number;
  readonly nodes?: number;
  readonly requestsPerMinute?: number;
  /** Runbook rules for the stack; the drill's default drains the suspect and restarts it. */
  readonly runbookRules?: unknown;
  readonly blastRadiusLimit?: number;
  /** How alarm state changes reach Faultline. @default through the synthesized EventBridge rule */
  readonly deliver?: (world: DrillWorld, change: AlarmStateChange) => Promise<void>;
  /** Fails the fleet agent's restart of these nodes (for scenarios where a runbook must fail). */
  readonly unrestartable?: readonly string[];
  readonly onLine?: (line: string) => void;
  /** Run DynamoDB and SQS at this endpoint (LocalStack) instead of the embedded emulators. */
  readonly endpoint?: ExternalEndpoints;
}

export const FLEET = 'checkout';
export const LOG_GROUP = '/faultline/drill/checkout';
export const FLEET_AGENT = 'checkout-fleet-agent';
export const ALARM: MetricAlarmDefinition = {
  alarmName: 'checkout-error-rate',
  alarmDescription: 'Checkout fleet: more than 5% of requests fail',
  namespace: 'Faultline/Drill',
  metricName: 'ErrorRate',
  dimensions: { RingId: FLEET },
  statistic: 'Average',
  periodSeconds: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 5,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
};

/** Drain the top suspect from the ring, restart it through the fleet's agent, put it back; else just restart. */
export const drillRunbookRules = {
  version: 1,
  rules: [
    {
      name: 'checkout-node',
      match: { alarmName: 'checkout-*', suspect: 'node-*' },
      runbooks: [
        {
          name: 'drain-restart-restore',
          steps: [
            { kind: 'ring.drain', params: { ringId: '{{dimensions.RingId}}', nodeId: '{{suspect}}' } },
            {
              kind: 'lambda.invoke',
              params: { functionName: FLEET_AGENT, payload: { action: 'restart', node: '{{suspect}}' } },
            },
          ],
        },
        {
          name: 'drain-only',
          steps: [{ kind: 'ring.drain', params: { ringId: '{{dimensions.RingId}}', nodeId: '{{suspect}}' } }],
        },
      ],
    },
  ],
};

/**
 * The drill's world: the embedded runtime running the synthesized stack, a fleet behind a ring kept in
 * DynamoDB Local, a CloudWatch alarm on its error rate, and a simulated clock that only moves when the drill
 * (before detection) or the recovery workflow's Wait states (after) let time pass.
 */
export class DrillWorld {
  readonly clock = new SimClock(DRILL_START_MS);
  readonly fleet: SimulatedFleet;
  readonly random: () => number;
  readonly alarmChanges: AlarmStateChange[] = [];
  readonly deliveries: DeliveryOutcome[] = [];
  readonly lines: string[] = [];
  ddbRequests = 0;
  /** The same requests by the function that made them. */
  readonly ddbRequestsByFunction: Record<string, number> = {};
  countRequests = false;
  private pendingMs = 0;
  private worldLock: Promise<void> = Promise.resolve();
  private readonly queuedChanges: AlarmStateChange[] = [];
  private ringStore!: DynamoDbRingStore;
  private drillClient!: DynamoDBClient;
  runtime!: LocalRuntime;
  incidents!: DynamoDbIncidentStore;

  private constructor(private readonly options: DrillWorldOptions) {
    this.random = seededRandom(options.seed ?? 7);
    this.fleet = new SimulatedFleet(Array.from({ length: options.nodes ?? 6 }, (_, i) => `node-${i + 1}`));
  }

  static async start(options: DrillWorldOptions = {}): Promise<DrillWorld> {
    const world = new DrillWorld(options);
    await world.boot();
    return world;
  }

  private async boot(): Promise<void> {
    this.runtime = await startLocalRuntime({
      endpoint: this.options.endpoint,
      waitMs: 0,
      retryMs: 5,
      // The timeline says what happened; handler logs would only interleave with it.
      logLevel: 'SILENT',
      now: this.clock.now,
      stack: {
        faultHandling: {
          alarmNamePrefixes: ['checkout-'],
          logGroupNames: [LOG_GROUP],
          logGroupResources: { [LOG_GROUP]: `RingId=${FLEET}` },
          runbookRules: this.options.runbookRules ?? drillRunbookRules,
          blastRadiusLimit: this.options.blastRadiusLimit ?? 1,
        },
      },
      onEvent: (execution, event) => this.onWorkflowEvent(execution, event),
      beforeTask: async (stateName, executionName) => {
        await this.letTimePass();
        this.note(`workflow ${shortName(executionName)}  ${stateName}`);
      },
      onAlarmStateChange: (change) => {
        this.alarmChanges.push(change);
        this.queuedChanges.push(change);
      },
    });
    // Imported only now: the handlers' Powertools singletons read their settings from the environment the
    // runtime has just set (a static import would build them before, at the default log level).
    const { dynamoDbClient } = await import('../../functions/shared/clients.js');
    dynamoDbClient().middlewareStack.add(
      (next) => async (args) => {
        if (this.countRequests) {
          this.ddbRequests += 1;
          const fn = currentFunction.getStore() ?? 'other';
          this.ddbRequestsByFunction[fn] = (this.ddbRequestsByFunction[fn] ?? 0) + 1;
        }
        return next(args);
      },
      { step: 'initialize', name: 'drillRequestCounter' },
    );
    this.drillClient = this.runtime.dynamodb.client();
    this.ringStore = new DynamoDbRingStore({ client: this.drillClient, tableName: this.runtime.tables.Ring });
    this.incidents = new DynamoDbIncidentStore({
      client: this.drillClient,
      tableName: this.runtime.tables.Incidents,
    });
    await createRing(
      this.ringStore,
      FLEET,
      this.fleet.nodeIds.map((id) => member(id)),
      { now: () => new Date(this.clock.now()) },
    );
    this.runtime.cloudwatch.putMetricAlarm(ALARM);
    this.runtime.lambda.register(FLEET_AGENT, (event) => this.fleetAgent(event));
  }

  /** The fleet's own agent, invoked by the runbook's `lambda.invoke` step. */
  private fleetAgent(event: unknown): unknown {
    // A runbook's custom step sends { faultline: { action, stepKey, fence }, params }.
    const { action, node } = ((event as { params?: unknown } | null)?.params ?? {}) as {
      action?: string;
      node?: string;
    };
    if (action !== 'restart' || typeof node !== 'string')
      throw new Error(`fleet agent: bad request ${JSON.stringify(event)}`);
    if (this.options.unrestartable?.includes(node)) {
      const error = new Error(`${node} did not come back after restart`);
      error.name = 'RestartFailed';
      throw error;
    }
    this.fleet.restart(node, this.clock.now());
    this.note(`fleet agent: ${node} restarted`);
    return { restarted: node };
  }

  note(text: string): void {
    const elapsed = this.clock.now() - DRILL_START_MS;
    const line = `+${clockText(elapsed)}  ${text}`;
    this.lines.push(line);
    this.options.onLine?.(line);
  }

  /** Simulates whole minutes until `ms` (simulated): traffic, metrics, logs, alarm evaluation, deliveries. */
  async advanceTo(ms: number): Promise<void> {
    while (this.clock.now() + MINUTE_MS <= ms) await this.simulateMinute();
  }

  /** One simulated minute; serialized, since the drill and a workflow's Wait may both move time. */
  simulateMinute(): Promise<void> {
    const next = this.worldLock.then(() => this.simulateOneMinute());
    this.worldLock = next.catch(() => undefined);
    return next;
  }

  private async simulateOneMinute(): Promise<void> {
    const start = this.clock.now();
    const ring = await getRing(this.ringStore, FLEET, { maxAgeMs: 0 });
    const traffic = this.fleet.serve(this.options.requestsPerMinute ?? 600, this.random, (key) =>
      ring.lookup(key),
    );
    const errorRate = traffic.requests === 0 ? 0 : (traffic.errors / traffic.requests) * 100;
    this.runtime.cloudwatch.putMetricData(
      ALARM.namespace,
      ALARM.metricName,
      ALARM.dimensions,
      errorRate,
      start + 30_000,
    );
    for (const node of this.fleet.nodeIds) {
      const messages = linesFor(node, traffic, this.fleet.healthOf(node) === 'crashed', this.random);
      const lines = messages.map((message, i) => ({
        timestamp: start + Math.floor(((i + 1) * MINUTE_MS) / (messages.length + 1)),
        message,
      }));
      const event = subscriptionEvent(LOG_GROUP, node, lines, { idSeed: start });
      const outcome = await this.runtime.invokeAsync('localize', event);
      if (!outcome.delivered)
        this.note(`localize failed for ${node}: ${outcome.error?.name}: ${outcome.error?.message}`);
    }
    this.clock.advanceTo(start + MINUTE_MS);
    this.runtime.cloudwatch.advanceTo(this.clock.now());
    await this.deliverQueuedChanges();
  }

  private async deliverQueuedChanges(): Promise<void> {
    while (this.queuedChanges.length > 0) {
      const change = this.queuedChanges.shift() as AlarmStateChange;
      this.note(
        `alarm ${change.alarm.alarmName}: ${change.previousState} → ${change.state} (${change.reason})`,
      );
      // The incident's requests: from the first ALARM delivery on.
      if (change.state === 'ALARM') this.countRequests = true;
      if (this.options.deliver) await this.options.deliver(this, change);
      else await this.deliverThroughEventBridge(change);
    }
  }

  async deliverThroughEventBridge(change: AlarmStateChange): Promise<void> {
    const outcomes = await this.runtime.putEvent(eventBridgeAlarmEvent(change));
    this.recordDeliveries(outcomes);
  }

  recordDeliveries(outcomes: readonly DeliveryOutcome[]): void {
    for (const outcome of outcomes) {
      this.deliveries.push(outcome);
      const summary = outcome.delivered
        ? JSON.stringify((outcome.result as { results?: unknown })?.results ?? outcome.result)
        : `rejected after ${outcome.attempts} attempts (${outcome.error?.name}), sent to the DLQ`;
      this.note(`detect: ${summary}`);
    }
  }

  /** Workflow history events, synchronously: Wait states let simulated time pass before the next task. */
  private onWorkflowEvent(execution: ExecutionRecord, event: HistoryEvent): void {
    if (event.type === 'WaitStateEntered') this.pendingMs += (event.waitSeconds ?? 0) * 1000;
    // Task states are noted in beforeTask, once the time a preceding Wait let pass has passed.
    if (event.type.endsWith('StateEntered') && event.type !== 'TaskStateEntered') {
      const wait = event.waitSeconds === undefined ? '' : ` (${event.waitSeconds} s)`;
      this.note(`workflow ${shortName(execution.name)}  ${event.stateName}${wait}`);
    }
    if (event.type === 'TaskStateExited' && event.stateName) {
      const line = narrateTask(event.stateName, event.output);
      if (line) this.note(`workflow ${shortName(execution.name)}    ↳ ${line}`);
    }
    if (event.type === 'TaskFailed' || event.type === 'ExecutionFailed') {
      this.note(
        `workflow ${event.stateName ?? ''} failed: ${event.error}: ${String(event.cause).slice(0, 160)}`,
      );
    }
  }

  private async letTimePass(): Promise<void> {
    if (this.pendingMs <= 0) return;
    const target = this.clock.now() + this.pendingMs;
    this.pendingMs = 0;
    await this.advanceTo(target);
  }

  /**
   * Resolves when every execution started so far has finished or is waiting for a person (an escalation's task
   * token): in a drill nobody answers unless the scenario does.
   */
  async executionsSettled(timeoutMs = 120_000): Promise<ExecutionRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const executions = [...this.runtime.stepFunctions.executions.values()];
      const running = executions.filter((e) => e.status === 'RUNNING' && !awaitingPerson(e));
      if (running.length === 0) {
        await Promise.all(executions.filter((e) => e.status !== 'RUNNING').map((e) => e.done));
        return executions;
      }
      if (Date.now() > deadline) throw new Error(`Executions still running after ${timeoutMs} ms`);
      await Promise.race([...running.map((e) => e.done), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  async stop(): Promise<void> {
    this.drillClient?.destroy();
    await this.runtime?.stop();
  }
}

const shortName = (executionName: string) => `${executionName.slice(0, 24)}…`;

/** The execution's last event is entering Escalate: it waits for a task token. */
export function awaitingPerson(execution: ExecutionRecord): boolean {
  const last = execution.history[execution.history.length - 1];
  return execution.status === 'RUNNING' && last?.type === 'TaskStateEntered' && last.stateName === 'Escalate';
}

export function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
