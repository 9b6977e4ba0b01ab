import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { runDrill, scenarios } from '../../../lib/drill/drill.js';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import type { DrillWorld } from '../../../lib/drill/world.js';

export interface CapturedExecution {
  readonly name: string;
  readonly status: string;
  readonly input: { incidentId?: string };
  readonly events: ReadonlyArray<{ type: string; name?: string; error?: string; cause?: string }>;
  /** StateEntered names, in order, as GetExecutionHistory returns them. */
  readonly states: readonly string[];
}

export type Item = Record<string, unknown> & { pk: string; sk: string };

/** What the emulators held when the scenario finished, read through the public AWS APIs, not the drill's code. */
export interface Captured {
  readonly incidentsTable: readonly Item[];
  readonly coordinationTable: readonly Item[];
  readonly executions: readonly CapturedExecution[];
  /** ApproximateNumberOfMessages by the queue's logical id (and env var name). */
  readonly queueDepth: Readonly<Record<string, number>>;
  /** Message bodies (parsed), by the same keys. */
  readonly queueMessages: Readonly<Record<string, unknown[]>>;
  readonly template: DrillWorld['runtime']['template'];
}

/**
 * Runs a registered scenario through `runDrill` exactly as the CLI does, and captures DynamoDB Local, the SQS
 * emulator and the Step Functions execution histories after the scenario ran and before the world stops, so a
 * test can hold the result against them.
 */
export async function runDrillCapturing(name: string): Promise<{ result: DrillResult; captured: Captured }> {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  let captured: Captured | undefined;
  scenarios[name] = {
    ...scenario,
    async run(world) {
      const outcome = await scenario.run(world);
      captured = await capture(world);
      return outcome;
    },
  };
  try {
    const result = await runDrill({ scenario: name });
    if (!captured) throw new Error('the scenario finished without a capture');
    return { result, captured };
  } finally {
    scenarios[name] = scenario;
  }
}

async function capture(world: DrillWorld): Promise<Captured> {
  const { runtime } = world;
  const config = {
    region: runtime.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const ddb = new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb });
  const sfn = new SFNClient({ ...config, endpoint: runtime.endpoints.stepfunctions });
  const sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.sqs });
  try {
    const scan = async (tableName: string) => {
      const items: Item[] = [];
      for await (const page of paginateScan(
        { client: ddb },
        { TableName: tableName, ConsistentRead: true },
      )) {
        for (const item of page.Items ?? []) items.push(unmarshall(item) as Item);
      }
      return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
    };
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: runtime.stateMachineArn }));
    const executions: CapturedExecution[] = [];
    for (const e of listed.executions ?? []) {
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
      const events = (history.events ?? []).map((h) => ({
        type: String(h.type),
        name: h.stateEnteredEventDetails?.name,
        error: h.taskFailedEventDetails?.error,
        cause: h.taskFailedEventDetails?.cause,
      }));
      const record = runtime.stepFunctions.executions.get(String(e.executionArn));
      executions.push({
        name: String(e.name),
        status: String(e.status),
        input: JSON.parse(record?.input ?? '{}') as { incidentId?: string },
        events,
        states: events.filter((h) => h.type.endsWith('StateEntered')).map((h) => String(h.name)),
      });
    }
    const queueDepth: Record<string, number> = {};
    const queueMessages: Record<string, unknown[]> = {};
    for (const [key, url] of Object.entries(runtime.queues)) {
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      queueDepth[key] = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? Number.NaN);
      queueMessages[key] = await runtime.peekQueue(url);
    }
    return {
      incidentsTable: await scan(runtime.tables.Incidents),
      coordinationTable: await scan(runtime.tables.Coordination),
      executions,
      queueDepth,
      queueMessages,
      template: runtime.template,
    };
  } finally {
    ddb.destroy();
    sfn.destroy();
    sqs.destroy();
  }
}

/** Incident META items. */
export const incidentItems = (c: Captured): Item[] =>
  c.incidentsTable.filter((i) => i.pk.startsWith('INCIDENT#') && i.sk === 'META');

/** Timeline items of one incident, in key order. */
export const timelineItems = (c: Captured, incidentId: string): Item[] =>
  c.incidentsTable.filter((i) => i.pk === `INCIDENT#${incidentId}` && i.sk.startsWith('TL#'));

/** The logical id of a function's DLQ, read from the template's DeadLetterConfig. */
export function dlqLogicalId(c: Captured, handlerName: string): string {
  for (const resource of Object.values(c.template.Resources)) {
    const props = (resource.Properties ?? {}) as {
      Environment?: { Variables?: Record<string, unknown> };
      DeadLetterConfig?: { TargetArn?: { 'Fn::GetAtt'?: string[] } };
    };
    if (props.Environment?.Variables?.FAULTLINE_FUNCTION !== handlerName) continue;
    const id = props.DeadLetterConfig?.TargetArn?.['Fn::GetAtt']?.[0];
    if (id) return id;
  }
  throw new Error(`no DLQ for ${handlerName}`);
}

/** Prints the result as the CLI's --json would, so a CI log shows the figures. */
export const printResult = (result: DrillResult) => console.log(JSON.stringify(result));
