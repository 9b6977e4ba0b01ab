import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { detect } from '../../../functions/detect.js';
import { MalformedAlarmEventError } from '../../../lib/alarms/index.js';
import {
  AlarmIntake,
  ExecutionStartFailedError,
  InMemoryIncidentStore,
} from '../../../lib/incidents/index.js';
import { type ChangeSpec, encodeDelivery, RecordingStarter, type StartMode } from './support.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const spec = (n: number, state: ChangeSpec['state'] = 'ALARM'): ChangeSpec => ({
  alarmName: `Alarm${n}`,
  dimensions: { InstanceId: `i-${n}` },
  state,
  previousState: state === 'ALARM' ? 'OK' : 'ALARM',
  at: T0 + n,
});
const snsBatch = (...specs: ChangeSpec[]) => ({
  Records: specs.flatMap((s) => (encodeDelivery(s, 'sns') as { Records: unknown[] }).Records),
});

function setup(modes: StartMode[] = []) {
  const store = new InMemoryIncidentStore();
  const starter = new RecordingStarter(() => modes.shift() ?? 'ok');
  return { store, starter, intake: new AlarmIntake({ store, starter }) };
}

describe('detect', () => {
  it('processes every record of an SNS batch and summarizes what it did', async () => {
    const { intake, starter } = setup();
    const { results } = await detect(snsBatch(spec(1), spec(2), spec(1), spec(3, 'OK')), intake);
    expect(results.map((r) => [r.alarmName, r.action])).toEqual([
      ['Alarm1', 'opened'],
      ['Alarm2', 'opened'],
      ['Alarm1', 'duplicate'],
      ['Alarm3', 'ignored'],
    ]);
    expect(results[0]?.incidentId).toMatch(/^inc-/);
    expect(starter.executions.size).toBe(2);
  });

  it('rejects the whole batch before writing anything when one record is malformed', async () => {
    const { intake, store, starter } = setup();
    const batch = snsBatch(spec(1), spec(2));
    const records = batch.Records as { Sns: { Message: string } }[];
    (records[1] as { Sns: { Message: string } }).Sns.Message = '{"AlarmName": "half';
    await expect(detect(batch, intake)).rejects.toBeInstanceOf(MalformedAlarmEventError);
    expect(store.allIncidents()).toEqual([]);
    expect(starter.calls).toBe(0);
  });

  it('finishes the other records when one fails, then rethrows so the delivery is retried', async () => {
    const { intake, store, starter } = setup(['fail']);
    const batch = snsBatch(spec(1), spec(2));
    await expect(detect(batch, intake)).rejects.toBeInstanceOf(ExecutionStartFailedError);
    expect(store.allIncidents()).toHaveLength(2);
    expect(starter.executions.size).toBe(1);
    const retry = await detect(batch, intake);
    expect(retry.results.map((r) => [r.action, r.executionStarted])).toEqual([
      ['duplicate', true],
      ['duplicate', undefined],
    ]);
    expect(starter.executions.size).toBe(2);
  });
});
