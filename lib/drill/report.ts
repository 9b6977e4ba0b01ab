import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Incident, TimelineEntry } from '../incidents/index.js';
import type { ExecutionRecord } from '../local/stepfunctions-emulator.js';
import type { DrillWorld } from './world.js';

/** Everything a drill reports about one incident, read back from DynamoDB Local and the execution history. */
export interface IncidentFacts {
  readonly incident: Incident;
  readonly timeline: TimelineEntry[];
  readonly execution?: ExecutionRecord;
  /** Names of the states the execution entered, in order. */
  readonly steps: string[];
}

export async function incidentFacts(world: DrillWorld, incidentId: string): Promise<IncidentFacts> {
  const incident = await world.incidents.get(incidentId);
  if (!incident) throw new Error(`Incident ${incidentId} is not in the incidents table`);
  const timeline = await world.incidents.listTimeline(incidentId);
  const execution = [...world.runtime.stepFunctions.executions.values()].find(
    (e) => e.name === incident.executionName,
  );
  const steps = (execution?.history ?? [])
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => e.stateName ?? '');
  return { incident, timeline, execution, steps };
}

/** Incident ids in the incidents table (the adapter's documented layout: `INCIDENT#<id>` / `META`). */
export async function incidentIdsInTable(world: DrillWorld): Promise<string[]> {
  const client = world.runtime.dynamodb.client();
  try {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: world.runtime.tables.Incidents,
          ConsistentRead: true,
          FilterExpression: 'begins_with(pk, :p) AND sk = :meta',
          ExpressionAttributeValues: { ':p': { S: 'INCIDENT#' }, ':meta': { S: 'META' } },
          ProjectionExpression: 'pk',
          ExclusiveStartKey: start as never,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.pk?.S).slice('INCIDENT#'.length));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids.sort();
  } finally {
    client.destroy();
  }
}

/** The suspect the localizer attached first (highest ranked), as stored on the incident. */
export function topSuspectOf(incident: Incident): string | null {
  const first = incident.suspects?.[0] as { id?: string; source?: string } | undefined;
  return first?.id ?? first?.source ?? null;
}

/** When the workflow saw the alarm back to OK (CloudWatch time), from the `resolved` timeline entry. */
export function recoveredAtOf(timeline: readonly TimelineEntry[]): number | null {
  const resolved = timeline.find((e) => e.kind === 'resolved');
  const at = resolved?.detail?.alarmOkAt;
  return typeof at === 'number' ? at : null;
}
