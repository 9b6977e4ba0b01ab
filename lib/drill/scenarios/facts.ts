import type { Incident } from '../../incidents/index.js';
import {
  type AlarmStateChange,
  eventBridgeAlarmEvent,
  lambdaActionAlarmEvent,
  snsAlarmEvent,
} from '../../local/cloudwatch/alarm-events.js';
import type { ExecutionRecord } from '../../local/stepfunctions-emulator.js';
import { incidentFacts, incidentIdsInTable, recoveredAtOf, topSuspectOf } from '../report.js';
import type { DrillOutcome } from '../scenario.js';
import type { DrillWorld } from '../world.js';

/** The three ways an alarm state change reaches `detect` in AWS. */
export type AlarmShape = 'eventbridge' | 'sns' | 'lambda-action';
export const ALARM_SHAPES: readonly AlarmShape[] = ['eventbridge', 'sns', 'lambda-action'];

/**
 * Delivers one state change in one shape: EventBridge through the synthesized rule, SNS and the Lambda alarm
 * action as asynchronous invocations of `detect` (what the topic subscription and the alarm action do).
 *
 * @example
 * await deliverInShape(world, change, 'sns');
 */
export async function deliverInShape(world: DrillWorld, change: AlarmStateChange, shape: AlarmShape) {
  switch (shape) {
    case 'eventbridge':
      world.recordDeliveries(await world.runtime.putEvent(eventBridgeAlarmEvent(change)));
      return;
    case 'sns':
      world.recordDeliveries([await world.runtime.invokeAsync('detect', snsAlarmEvent(change))]);
      return;
    case 'lambda-action':
      world.recordDeliveries([await world.runtime.invokeAsync('detect', lambdaActionAlarmEvent(change))]);
      return;
  }
}

/** Fisher–Yates with the world's seeded random, so a run's delivery order replays from its seed. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The DLQ of a synthesized function, found the way Lambda finds it: the function's `DeadLetterConfig` in the
 * template, resolved to the queue the runtime created for that logical id.
 */
export function deadLetterQueueUrlOf(world: DrillWorld, handlerName: string): string {
  for (const resource of Object.values(world.runtime.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (env?.FAULTLINE_FUNCTION !== handlerName) continue;
    const target = (props.DeadLetterConfig as { TargetArn?: { 'Fn::GetAtt'?: [string, string] } } | undefined)
      ?.TargetArn?.['Fn::GetAtt']?.[0];
    const url = target === undefined ? undefined : world.runtime.queues[target];
    if (url) return url;
  }
  throw new Error(`The synthesized template gives function '${handlerName}' no dead-letter queue`);
}

/** What the emulators hold about deliveries: incidents in the table, executions started, rejections in the DLQ. */
export interface DeliveryCounts {
  /** Incident items in the incidents table. */
  readonly incidentsOpened: number;
  /** Executions the Step Functions emulator started. */
  readonly executionsStarted: number;
  /** Deliveries in the detect function's DLQ (every attempt failed). */
  readonly rejected: number;
}

export async function deliveryCounts(world: DrillWorld): Promise<DeliveryCounts> {
  const [ids, dlq] = await Promise.all([
    incidentIdsInTable(world),
    world.runtime.peekQueue(deadLetterQueueUrlOf(world, 'detect')),
  ]);
  return {
    incidentsOpened: ids.length,
    executionsStarted: world.runtime.stepFunctions.executions.size,
    rejected: dlq.length,
  };
}

/** The incidents in the table, oldest first alarm first. */
export async function incidentsInTable(world: DrillWorld): Promise<Incident[]> {
  const incidents: Incident[] = [];
  for (const id of await incidentIdsInTable(world)) {
    const incident = await world.incidents.get(id);
    if (incident) incidents.push(incident);
  }
  return incidents.sort((a, b) => a.firstAlarmAt - b.firstAlarmAt);
}

/** The fields every scenario reports, for the first incident in the table (null fields when there is none). */
export async function commonOutcome(
  world: DrillWorld,
  faultAt: number,
): Promise<
  DrillOutcome & {
    suspectAtEnd: string | null;
    incidentStatus: string | null;
    executionStatus: string | null;
  }
> {
  const first = (await incidentsInTable(world))[0];
  if (!first) {
    return {
      recovered: false,
      incidentId: null,
      suspect: null,
      suspectAtEnd: null,
      mttdMs: null,
      mttrMs: null,
      steps: [],
      incidentStatus: null,
      executionStatus: null,
    };
  }
  const facts = await incidentFacts(world, first.incidentId);
  const recoveredAt = recoveredAtOf(facts.timeline);
  // The suspect the recovery acted on (recorded when it began); the incident's list is re-ranked afterwards as
  // the localizer keeps attaching what the logs say, so its head can name a node that was never the fault.
  const acted = facts.timeline.find((e) => e.kind === 'recovery-started')?.detail?.topSuspect;
  const executionStatus = facts.execution?.status ?? null;
  return {
    recovered: executionStatus === 'SUCCEEDED' && facts.incident.status === 'RESOLVED',
    incidentId: first.incidentId,
    suspect: typeof acted === 'string' ? acted : topSuspectOf(facts.incident),
    suspectAtEnd: topSuspectOf(facts.incident),
    mttdMs: facts.incident.firstAlarmAt - faultAt,
    mttrMs: recoveredAt === null ? null : recoveredAt - faultAt,
    steps: facts.steps,
    incidentStatus: facts.incident.status,
    executionStatus,
  };
}

/** Executions whose history shows them running a runbook step (entering RunStep): the ones that acted. */
export function executionsThatActed(world: DrillWorld): ExecutionRecord[] {
  return [...world.runtime.stepFunctions.executions.values()].filter((e) =>
    e.history.some((h) => h.type === 'TaskStateEntered' && h.stateName === 'RunStep'),
  );
}
