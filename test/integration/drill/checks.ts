import type { DrillResult } from '../../../lib/drill/scenario.js';
import { DRILL_START_MS, MINUTE_MS } from '../../../lib/drill/world.js';
import { type Captured, dlqLogicalId, incidentItems, timelineItems } from './capture.js';

/** Every scenario built on the crash drill injects its fault 5 simulated minutes in. */
export const FAULT_AT = DRILL_START_MS + 5 * MINUTE_MS;

/**
 * Where the drill's result disagrees with what the emulators hold: the incident item and its timeline in
 * DynamoDB Local, the execution history from the Step Functions API, queue depths from the SQS API. Empty when
 * they agree. Counts are checked only when the result reports them.
 */
export function mismatches(result: DrillResult, captured: Captured, faultAt = FAULT_AT): string[] {
  const out: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      out.push(`${what}: result says ${JSON.stringify(actual)}, emulators say ${JSON.stringify(expected)}`);
  };
  const incidents = incidentItems(captured);
  if ('incidentsOpened' in result) expect('incidentsOpened', result.incidentsOpened, incidents.length);
  if ('executionsStarted' in result)
    expect('executionsStarted', result.executionsStarted, captured.executions.length);
  if ('rejected' in result)
    expect('rejected', result.rejected, captured.queueDepth[dlqLogicalId(captured, 'detect')]);

  const incident = incidents.find((i) => i.incidentId === result.incidentId);
  if (!incident) {
    out.push(`incident ${result.incidentId} is not in the incidents table`);
    return out;
  }
  const execution = captured.executions.find((e) => e.name === incident.executionName);
  if (!execution) {
    out.push(`execution ${String(incident.executionName)} is not in ListExecutions`);
    return out;
  }
  expect('steps', result.steps, execution.states);
  expect('recovered', result.recovered, incident.status === 'RESOLVED' && execution.status === 'SUCCEEDED');
  expect('mttdMs', result.mttdMs, Number(incident.firstAlarmAt) - faultAt);
  const resolved = timelineItems(captured, String(incident.incidentId)).find(
    (e) => e.kind === 'resolved' && typeof (e.detail as { alarmOkAt?: unknown })?.alarmOkAt === 'number',
  );
  const okAt = (resolved?.detail as { alarmOkAt?: number } | undefined)?.alarmOkAt;
  expect('mttrMs', result.mttrMs, okAt === undefined ? null : okAt - faultAt);
  return out;
}
