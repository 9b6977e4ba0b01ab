import type { TimelineEntry } from '../../incidents/index.js';
import { incidentFacts } from '../report.js';
import type { Scenario } from '../scenario.js';
import { awaitingPerson, type DrillWorld, FLEET_AGENT } from '../world.js';
import { crashAndRecover, FAULTY_NODE } from './crash.js';
import { commonOutcome, deliveryCounts, executionsThatActed } from './facts.js';

/** The fleet's cache agent: flushing a node's cache succeeds, and does nothing for a crashed node. */
export const CACHE_AGENT = 'checkout-cache-agent';

/**
 * The first runbook cannot help a crashed node (it flushes its cache); the fallback drains it and restarts it,
 * and the restart fails (the node does not come back). The plan order is the point of the drill.
 */
export const runbookFailsRules = {
  version: 1,
  rules: [
    {
      name: 'checkout-node',
      match: { alarmName: 'checkout-*', suspect: 'node-*' },
      runbooks: [
        {
          name: 'flush-cache',
          steps: [
            {
              kind: 'lambda.invoke',
              params: { functionName: CACHE_AGENT, payload: { action: 'flush', node: '{{suspect}}' } },
            },
          ],
        },
        {
          name: 'drain-restart',
          steps: [
            { kind: 'ring.drain', params: { ringId: '{{dimensions.RingId}}', nodeId: '{{suspect}}' } },
            {
              kind: 'lambda.invoke',
              params: { functionName: FLEET_AGENT, payload: { action: 'restart', node: '{{suspect}}' } },
            },
          ],
        },
      ],
    },
  ],
};

const OUTCOME_KINDS = ['runbook-step', 'verification-failed', 'next-runbook', 'runbooks-exhausted'];

interface EscalationMessage {
  readonly kind?: string;
  readonly taskToken?: string;
  readonly executionName?: string;
  readonly incidentId?: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/**
 * The first runbook does not help (verification fails after its checks), the fallback runs and fails too, and
 * the workflow escalates: a message with a task token in the escalations queue. The drill then answers as the
 * on-call person would, `close`, through SendTaskSuccess, and the incident ends ESCALATED.
 */
export const runbookFailsScenario: Scenario = {
  name: 'runbook-fails',
  description:
    'the first runbook cannot help, the fallback fails too, and the workflow escalates to a person',
  world: { runbookRules: runbookFailsRules, unrestartable: [FAULTY_NODE] },
  async run(world: DrillWorld) {
    world.runtime.lambda.register(CACHE_AGENT, (event) => {
      const node = (event as { params?: { node?: unknown } } | null)?.params?.node;
      world.note(`cache agent: ${String(node)} cache flushed`);
      return { flushed: node };
    });
    const { faultAt, executions } = await crashAndRecover(world);
    const counts = await deliveryCounts(world);
    const execution = executions[0];
    const waitingAtEscalate = execution !== undefined && awaitingPerson(execution);
    const incidentId = execution ? (JSON.parse(execution.input) as { incidentId: string }).incidentId : null;

    const messages = (await world.runtime.peekQueue(escalationsQueueUrl(world))) as EscalationMessage[];
    const escalation = messages.find((m) => m.kind === 'escalation' && m.incidentId === incidentId);
    let answered: string | null = null;
    if (waitingAtEscalate && escalation?.taskToken) {
      world.note(`on-call: closes the escalation of ${incidentId}`);
      await sendTaskSuccess(world, escalation.taskToken, { decision: 'close', by: 'drill-on-call' });
      answered = 'close';
      await world.executionsSettled();
    }

    const outcome = await commonOutcome(world, faultAt);
    const timeline: TimelineEntry[] = incidentId ? (await incidentFacts(world, incidentId)).timeline : [];
    const tried = timeline.filter((e) => e.kind === 'runbook-step').map((e) => String(e.detail?.runbook));
    const runbooksTried = [...new Set(tried)];
    const planned = timeline.find((e) => e.kind === 'plan-decided')?.detail?.runbooks;
    return {
      ...outcome,
      ...counts,
      runbooksPlanned: Array.isArray(planned) ? planned : [],
      runbooksTried,
      fallbackRan: runbooksTried.length > 1,
      // The incident's timeline: each step that ran, the verification that failed, the moves to the next runbook.
      stepOutcomes: timeline
        .filter((e) => OUTCOME_KINDS.includes(e.kind))
        .map((e) => ({
          kind: e.kind,
          runbook: e.detail?.runbook ?? null,
          outcome: e.detail?.outcome ?? null,
        })),
      // Steps that failed outright, from the execution history (a failed step writes no runbook-step entry).
      failedSteps: (execution?.history ?? [])
        .filter((e) => e.type === 'TaskFailed' && e.stateName === 'RunStep')
        .map((e) => ({ error: e.error ?? null, cause: String(e.cause ?? '').slice(0, 200) })),
      escalated: waitingAtEscalate && escalation !== undefined,
      escalationMessage: escalation
        ? {
            incidentId: escalation.incidentId,
            executionName: escalation.executionName,
            hasTaskToken: typeof escalation.taskToken === 'string' && escalation.taskToken.length > 0,
            error: escalation.error?.Error ?? null,
          }
        : null,
      escalationsInQueue: messages.length,
      answered,
      recoveriesActing: executionsThatActed(world).length,
    };
  },
};

function escalationsQueueUrl(world: DrillWorld): string {
  const url = world.runtime.queues.ESCALATIONS_QUEUE_URL;
  if (!url) throw new Error('The synthesized stack gives the functions no ESCALATIONS_QUEUE_URL');
  return url;
}

/** What `aws stepfunctions send-task-success` sends: the Step Functions JSON protocol. */
async function sendTaskSuccess(world: DrillWorld, taskToken: string, output: unknown): Promise<void> {
  const response = await fetch(world.runtime.endpoints.stepfunctions, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSStepFunctions.SendTaskSuccess',
    },
    body: JSON.stringify({ taskToken, output: JSON.stringify(output) }),
  });
  if (!response.ok) throw new Error(`SendTaskSuccess failed: ${response.status} ${await response.text()}`);
}
