import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Duration } from 'aws-cdk-lib';
import { DynamoDbIncidentStore } from '../../../lib/adapters/dynamodb-incident-store.js';
import { DynamoDbLeaseStore } from '../../../lib/adapters/dynamodb-lease-store.js';
import { DynamoDbRingStore } from '../../../lib/adapters/dynamodb-ring-store.js';
import { Leases } from '../../../lib/leases/index.js';
import type { AlarmStateChange } from '../../../lib/local/cloudwatch/alarm-events.js';
import { eventBridgeAlarmEvent } from '../../../lib/local/cloudwatch/alarm-events.js';
import { LOCAL_REGION } from '../../../lib/local/local-aws-config.js';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.js';
import type { ExecutionRecord } from '../../../lib/local/stepfunctions-emulator.js';
import { createRing, member } from '../../../lib/ring/index.js';

/** The fleet agent every test runbook calls through the `lambda.invoke` step. */
export const AGENT = 'wf-fleet-agent';

/**
 * Two runbooks for every `wf-*` alarm: drain the alarm's node from its ring and have the agent restart it; or
 * just ask the agent for a fallback. The agent's behaviour is set per alarm by each test.
 */
export const testRunbookRules = {
  version: 1,
  rules: [
    {
      name: 'wf',
      match: { alarmName: 'wf-*' },
      runbooks: [
        {
          name: 'drain-restart',
          steps: [
            {
              kind: 'ring.drain',
              params: { ringId: '{{dimensions.RingId}}', nodeId: '{{dimensions.NodeId}}' },
            },
            {
              kind: 'lambda.invoke',
              params: { functionName: AGENT, payload: { action: 'restart', alarm: '{{alarmName}}' } },
            },
          ],
        },
        {
          name: 'fallback',
          steps: [
            {
              kind: 'lambda.invoke',
              params: { functionName: AGENT, payload: { action: 'fallback', alarm: '{{alarmName}}' } },
            },
          ],
        },
      ],
    },
  ],
};
export const FIRST_RUNBOOK = 'wf/drain-restart';
export const FALLBACK_RUNBOOK = 'wf/fallback';

export interface AgentCall {
  readonly alarm: string;
  readonly action: string;
  readonly stepKey: string;
  readonly token: number;
}
/** What the agent does for one call: 'fix' sets the alarm OK, 'noop' changes nothing; throwing fails the step. */
export type AgentBehaviour = (call: AgentCall, attempt: number) => 'fix' | 'noop';

type TaskHook = (stateName: string, execution: ExecutionRecord) => Promise<void>;

/**
 * One embedded runtime per test file running the synthesized stack with the test rules; each test gets its own
 * alarm, ring and resource (`wf-<name>`), so cases share the runtime without sharing state.
 */
export class WorkflowHarness {
  runtime!: LocalRuntime;
  incidents!: DynamoDbIncidentStore;
  rings!: DynamoDbRingStore;
  leases!: Leases;
  sfn!: SFNClient;
  readonly agentCalls: AgentCall[] = [];
  readonly behaviours = new Map<string, AgentBehaviour>();
  readonly taskHooks = new Map<string, TaskHook>();
  private readonly changes: AlarmStateChange[] = [];
  private readonly answered = new Set<string>();
  private client!: DynamoDBClient;
  private cloudwatch!: CloudWatchClient;

  async start(options: { dryRun?: boolean; escalationTimeout?: Duration } = {}): Promise<void> {
    this.runtime = await startLocalRuntime({
      waitMs: 0,
      retryMs: 5,
      stack: {
        faultHandling: {
          alarmNamePrefixes: ['wf-'],
          runbookRules: testRunbookRules,
          blastRadiusLimit: 1,
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.escalationTimeout ? { escalationTimeout: options.escalationTimeout } : {}),
        },
      },
      onAlarmStateChange: (change) => this.changes.push(change),
      beforeTask: async (stateName, executionName) => {
        const execution = this.execution(executionName);
        const hook = execution && this.taskHooks.get(alarmOf(execution));
        if (execution && hook) await hook(stateName, execution);
      },
    });
    this.client = this.runtime.dynamodb.client();
    this.incidents = new DynamoDbIncidentStore({
      client: this.client,
      tableName: this.runtime.tables.Incidents,
    });
    this.rings = new DynamoDbRingStore({ client: this.client, tableName: this.runtime.tables.Ring });
    this.leases = new Leases(
      new DynamoDbLeaseStore({ client: this.client, tableName: this.runtime.tables.Coordination }),
    );
    const local = { region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    this.sfn = new SFNClient({ ...local, endpoint: this.runtime.endpoints.stepfunctions });
    this.cloudwatch = new CloudWatchClient({ ...local, endpoint: this.runtime.cloudwatch.endpoint });
    this.runtime.lambda.register(AGENT, (event) => this.agent(event));
  }

  async stop(): Promise<void> {
    this.sfn?.destroy();
    this.cloudwatch?.destroy();
    this.client?.destroy();
    await this.runtime?.stop();
  }

  /** The fleet agent: records the call, then does what the test set for its alarm. */
  private async agent(event: unknown): Promise<unknown> {
    const e = event as {
      faultline: { stepKey: string; fence: { token: number } };
      params: { action: string; alarm: string };
    };
    const call: AgentCall = {
      alarm: e.params.alarm,
      action: e.params.action,
      stepKey: e.faultline.stepKey,
      token: e.faultline.fence.token,
    };
    this.agentCalls.push(call);
    const attempt = this.agentCalls.filter((c) => c.alarm === call.alarm && c.action === call.action).length;
    const behaviour = this.behaviours.get(call.alarm) ?? (() => 'fix');
    if (behaviour(call, attempt) === 'fix') await this.setAlarm(call.alarm, 'OK');
    return { done: call.action };
  }

  callsFor(alarm: string): AgentCall[] {
    return this.agentCalls.filter((c) => c.alarm === alarm);
  }

  /** A ring `<alarm>-ring` of four nodes; the alarm watches node-2 of it. */
  async createRing(alarm: string): Promise<{ ringId: string; nodeId: string }> {
    const ringId = `${alarm}-ring`;
    await createRing(
      this.rings,
      ringId,
      ['node-1', 'node-2', 'node-3', 'node-4'].map((id) => member(id)),
    );
    return { ringId, nodeId: 'node-2' };
  }

  async ringState(ringId: string): Promise<{ version: number; states: Record<string, string> }> {
    const record = await this.rings.read(ringId);
    if (!record) throw new Error(`No ring ${ringId}`);
    return {
      version: record.version,
      states: Object.fromEntries(record.members.map((m) => [m.id, m.state])),
    };
  }

  async setAlarm(alarmName: string, state: 'OK' | 'ALARM'): Promise<void> {
    await this.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: `test: ${state}` }),
    );
  }

  /**
   * Creates the alarm, its ring, and raises it: the state change goes through the synthesized EventBridge rule to
   * `detect`, which opens the incident and starts the execution. Returns that execution.
   */
  async raise(alarm: string): Promise<{ execution: ExecutionRecord; incidentId: string; ringId: string }> {
    const { ringId, nodeId } = await this.createRing(alarm);
    this.runtime.cloudwatch.putMetricAlarm({
      alarmName: alarm,
      namespace: 'Faultline/Test',
      metricName: 'Errors',
      dimensions: { RingId: ringId, NodeId: nodeId },
      statistic: 'Sum',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
    });
    await this.setAlarm(alarm, 'ALARM');
    const change = [...this.changes]
      .reverse()
      .find((c) => c.alarm.alarmName === alarm && c.state === 'ALARM');
    if (!change) throw new Error(`No ALARM state change recorded for ${alarm}`);
    const outcomes = await this.runtime.putEvent(eventBridgeAlarmEvent(change));
    if (!outcomes.every((o) => o.delivered)) throw new Error(`detect failed: ${JSON.stringify(outcomes)}`);
    const execution = this.executionsFor(alarm)[0];
    if (!execution) throw new Error(`detect started no execution for ${alarm}: ${JSON.stringify(outcomes)}`);
    const incidentId = (JSON.parse(execution.input) as { incidentId: string }).incidentId;
    return { execution, incidentId, ringId };
  }

  execution(name: string): ExecutionRecord | undefined {
    return [...this.runtime.stepFunctions.executions.values()].find((e) => e.name === name);
  }

  executionsFor(alarm: string): ExecutionRecord[] {
    return [...this.runtime.stepFunctions.executions.values()].filter((e) => alarmOf(e) === alarm);
  }

  /** Resolves when the execution has finished, or is waiting in Escalate for a person. */
  async settled(execution: ExecutionRecord, timeoutMs = 30_000): Promise<'finished' | 'escalated'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (execution.status !== 'RUNNING') {
        await execution.done;
        return 'finished';
      }
      // Entered Escalate, and its message (sent just after) is in the queue unanswered.
      if (awaitingPerson(execution) && (await this.pendingEscalation(execution))) return 'escalated';
      if (Date.now() > deadline) {
        throw new Error(
          `${execution.name} still running: ${statesEntered(execution).slice(-12).join(' → ')}`,
        );
      }
      await Promise.race([execution.done, new Promise((r) => setTimeout(r, 10))]);
    }
  }

  /** Escalation messages in the escalations queue for this execution, oldest first. */
  async escalations(execution: ExecutionRecord): Promise<EscalationMessage[]> {
    const url = this.runtime.queues.ESCALATIONS_QUEUE_URL;
    if (!url) throw new Error('No ESCALATIONS_QUEUE_URL in the runtime');
    const messages = (await this.runtime.peekQueue(url)) as EscalationMessage[];
    return messages.filter((m) => m.executionName === execution.name);
  }

  async notifications(incidentId: string): Promise<Array<Record<string, unknown>>> {
    const url = this.runtime.queues.NOTIFICATIONS_QUEUE_URL;
    if (!url) throw new Error('No NOTIFICATIONS_QUEUE_URL in the runtime');
    const messages = (await this.runtime.peekQueue(url)) as Array<Record<string, unknown>>;
    return messages.filter((m) => m.incidentId === incidentId);
  }

  private async pendingEscalation(execution: ExecutionRecord): Promise<EscalationMessage | undefined> {
    return (await this.escalations(execution)).find((m) => !this.answered.has(m.taskToken));
  }

  /** A person answers the pending escalation through the real Step Functions API. */
  async answer(execution: ExecutionRecord, decision: Record<string, unknown>): Promise<void> {
    const pending = await this.pendingEscalation(execution);
    if (!pending) throw new Error(`No unanswered escalation message for ${execution.name}`);
    this.answered.add(pending.taskToken);
    await this.sfn.send(
      new SendTaskSuccessCommand({ taskToken: pending.taskToken, output: JSON.stringify(decision) }),
    );
  }

  async timelineKinds(incidentId: string): Promise<string[]> {
    return (await this.incidents.listTimeline(incidentId)).map((e) => e.kind);
  }
}

export interface EscalationMessage {
  readonly kind: 'escalation';
  readonly taskToken: string;
  readonly executionName: string;
  readonly incidentId: string;
  readonly resourceId: string;
  readonly alarmName: string;
  readonly error: { readonly Error?: string; readonly Cause?: string };
  readonly options: readonly string[];
}

export const alarmOf = (execution: ExecutionRecord): string =>
  (JSON.parse(execution.input) as { alarmName: string }).alarmName;

export const statesEntered = (execution: ExecutionRecord): string[] =>
  execution.history.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName ?? '');

/** The execution's last event is entering Escalate: it waits for a task token. */
export function awaitingPerson(execution: ExecutionRecord): boolean {
  const last = execution.history.at(-1);
  return execution.status === 'RUNNING' && last?.type === 'TaskStateEntered' && last.stateName === 'Escalate';
}
