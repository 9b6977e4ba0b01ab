import { describe, expect, it } from 'vitest';
import { parseAlarmDelivery } from '../../../lib/alarms/index.js';
import {
  AlarmIntake,
  DEFAULT_INTAKE_CONFIG,
  ExecutionStartFailedError,
  InMemoryIncidentStore,
  type IntakeConfig,
  type IntakeResult,
} from '../../../lib/incidents/index.js';
import { type ChangeSpec, encodeDelivery, RecordingStarter, type Shape, type StartMode } from './support.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MIN = 60_000;
const RESOURCE = 'InstanceId=i-0123456789abcdef0';

function setup(config: Partial<IntakeConfig> = {}, modes: StartMode[] = []) {
  const store = new InMemoryIncidentStore();
  const starter = new RecordingStarter(() => modes.shift() ?? 'ok');
  let now = T0 + 5_000;
  const intake = new AlarmIntake({
    store,
    starter,
    config: { ...DEFAULT_INTAKE_CONFIG, ...config },
    clock: () => now,
  });
  const deliver = async (
    spec: Partial<ChangeSpec> & Pick<ChangeSpec, 'state' | 'at'>,
    shape: Shape = 'eventbridge',
  ) => {
    const full: ChangeSpec = {
      alarmName: 'CpuHigh',
      dimensions: { InstanceId: 'i-0123456789abcdef0' },
      previousState: spec.state === 'ALARM' ? 'OK' : 'ALARM',
      ...spec,
    };
    const results: IntakeResult[] = [];
    for (const change of parseAlarmDelivery(encodeDelivery(full, shape)))
      results.push(await intake.process(change));
    return results[0] as IntakeResult;
  };
  const resolve = async (incidentId: string, at: number) => {
    await store.transition(incidentId, {
      from: ['OPEN'],
      to: 'RECOVERING',
      entry: { at: new Date(at).toISOString(), kind: 'recovering' },
    });
    await store.transition(incidentId, {
      from: ['RECOVERING'],
      to: 'RESOLVED',
      entry: { at: new Date(at).toISOString(), kind: 'resolved' },
    });
  };
  return { store, starter, intake, deliver, resolve, setNow: (ms: number) => (now = ms) };
}

describe('AlarmIntake', () => {
  it('opens an incident and starts one execution named after it with the documented input', async () => {
    const { store, starter, deliver } = setup();
    const result = await deliver({ state: 'ALARM', at: T0 });
    expect(result).toMatchObject({ action: 'opened', resourceId: RESOURCE, executionStarted: true });
    const incident = await store.get(result.incidentId ?? '');
    expect(incident).toMatchObject({
      status: 'OPEN',
      remediation: 'auto',
      holdsGuard: true,
      executionStarted: true,
    });
    expect([...starter.executions.entries()]).toEqual([
      [
        result.incidentId,
        {
          incidentId: result.incidentId,
          resourceId: RESOURCE,
          alarmName: 'CpuHigh',
          namespace: 'AWS/EC2',
          metricName: 'CPUUtilization',
          dimensions: { InstanceId: 'i-0123456789abcdef0' },
          openedAt: new Date(T0 + 5_000).toISOString(),
        },
      ],
    ]);
    expect(result.incidentId).toMatch(/^inc-20260101T120000000Z-[0-9a-f]{16}$/);
  });

  it('treats the same change delivered again, in any shape, as one incident and one execution', async () => {
    const { store, starter, deliver } = setup();
    const first = await deliver({ state: 'ALARM', at: T0 }, 'sns');
    const again = [
      await deliver({ state: 'ALARM', at: T0 }, 'eventbridge'),
      await deliver({ state: 'ALARM', at: T0 }, 'lambda'),
      await deliver({ state: 'ALARM', at: T0 }, 'sns'),
    ];
    expect(again.map((r) => [r.action, r.incidentId])).toEqual(
      Array(3).fill(['duplicate', first.incidentId]),
    );
    expect(store.allIncidents()).toHaveLength(1);
    expect(starter.executions.size).toBe(1);
    expect(starter.calls).toBe(1);
  });

  it('records OK and INSUFFICIENT_DATA on the open incident without resolving it or regressing its state', async () => {
    const { store, deliver } = setup();
    const opened = await deliver({ state: 'ALARM', at: T0 });
    expect(await deliver({ state: 'OK', at: T0 + 2 * MIN })).toMatchObject({ action: 'recorded' });
    expect(await deliver({ state: 'INSUFFICIENT_DATA', at: T0 + MIN })).toMatchObject({ action: 'recorded' });
    const incident = await store.get(opened.incidentId ?? '');
    expect(incident).toMatchObject({ status: 'OPEN', alarmState: 'OK', alarmStateAt: T0 + 2 * MIN });
    const kinds = (await store.listTimeline(opened.incidentId ?? '')).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['opened', 'alarm-ok', 'alarm-insufficient-data', 'execution-started']),
    );
  });

  it('ignores OK and INSUFFICIENT_DATA for a resource without incidents', async () => {
    const { store, deliver } = setup();
    expect(await deliver({ state: 'OK', at: T0 })).toMatchObject({ action: 'ignored', incidentId: null });
    expect(await deliver({ state: 'INSUFFICIENT_DATA', at: T0 })).toMatchObject({ action: 'ignored' });
    expect(store.allIncidents()).toEqual([]);
  });

  it('never reopens a resolved incident when its alarm is delivered again, late', async () => {
    const { store, starter, deliver, resolve } = setup();
    const opened = await deliver({ state: 'ALARM', at: T0 });
    await resolve(opened.incidentId ?? '', T0 + 3 * MIN);
    expect(await deliver({ state: 'ALARM', at: T0 }, 'sns')).toMatchObject({
      action: 'suppressed',
      incidentId: opened.incidentId,
    });
    expect(store.allIncidents().map((i) => i.status)).toEqual(['RESOLVED']);
    expect(starter.calls).toBe(1);
  });

  it('ignores an ALARM older than the latest episode (out of order), and an old OK does not regress', async () => {
    const { store, deliver } = setup({ flapWindowMs: MIN });
    const newer = await deliver({ state: 'ALARM', at: T0 + 60 * MIN });
    expect(await deliver({ state: 'ALARM', at: T0 })).toMatchObject({
      action: 'ignored',
      incidentId: newer.incidentId,
    });
    expect(await deliver({ state: 'OK', at: T0 + 1_000 })).toMatchObject({ action: 'ignored' });
    expect(store.allIncidents()).toHaveLength(1);
    expect((await store.get(newer.incidentId ?? ''))?.alarmState).toBe('ALARM');
  });

  it('opens one incident for an alarm flipping ALARM/OK ten times within a minute, in any order', async () => {
    const { store, starter, deliver } = setup({ flapWindowMs: 2 * MIN });
    const flips = Array.from({ length: 20 }, (_, i) => ({
      state: (i % 2 === 0 ? 'ALARM' : 'OK') as 'ALARM' | 'OK',
      at: T0 + i * 3_000,
    }));
    const order = [7, 3, 12, 0, 19, 5, 1, 14, 9, 2, 18, 4, 11, 6, 16, 8, 13, 10, 17, 15];
    const actions = [];
    for (const i of order) actions.push((await deliver(flips[i] as (typeof flips)[number])).action);
    expect(store.allIncidents()).toHaveLength(1);
    expect(starter.executions.size).toBe(1);
    expect(actions.filter((a) => a === 'opened')).toHaveLength(1);
  });

  it('suppresses flapping after the incident was resolved, and opens a new incident after the window', async () => {
    const { store, starter, deliver, resolve } = setup({ flapWindowMs: 5 * MIN, cooldownMs: 0 });
    const first = await deliver({ state: 'ALARM', at: T0 });
    await resolve(first.incidentId ?? '', T0 + MIN);
    expect(await deliver({ state: 'ALARM', at: T0 + 4 * MIN })).toMatchObject({ action: 'suppressed' });
    expect(await deliver({ state: 'ALARM', at: T0 + 8 * MIN })).toMatchObject({ action: 'suppressed' });
    const second = await deliver({ state: 'ALARM', at: T0 + 14 * MIN });
    expect(second.action).toBe('opened');
    expect(second.incidentId).not.toBe(first.incidentId);
    expect(store.allIncidents()).toHaveLength(2);
    expect(starter.executions.size).toBe(2);
  });

  it('escalates instead of remediating again within the cooldown (workflow started to escalate), and remediates after it', async () => {
    const { store, starter, deliver, resolve } = setup({ flapWindowMs: MIN, cooldownMs: 30 * MIN });
    const first = await deliver({ state: 'ALARM', at: T0 });
    await resolve(first.incidentId ?? '', T0 + 5 * MIN);
    const again = await deliver({ state: 'ALARM', at: T0 + 20 * MIN });
    expect(again).toMatchObject({ action: 'escalated', executionStarted: true });
    expect(await store.get(again.incidentId ?? '')).toMatchObject({
      status: 'ESCALATED',
      remediation: 'cooldown',
      holdsGuard: false,
      executionStarted: true,
    });
    expect(await store.findOpen(RESOURCE)).toBeUndefined();
    expect(starter.executions.size).toBe(2);
    const later = await deliver({ state: 'ALARM', at: T0 + 40 * MIN });
    expect(later.action).toBe('opened');
    expect(starter.executions.size).toBe(3);
  });

  it('records an alarm inside a maintenance window without remediating, and resolves it on OK', async () => {
    const window = { startsAt: T0 - MIN, endsAt: T0 + 10 * MIN, resources: [RESOURCE] };
    const { store, starter, deliver } = setup({ flapWindowMs: MIN, maintenanceWindows: [window] });
    const result = await deliver({ state: 'ALARM', at: T0 });
    expect(result).toMatchObject({ action: 'maintenance', executionStarted: false });
    expect(await store.get(result.incidentId ?? '')).toMatchObject({
      status: 'MAINTENANCE',
      holdsGuard: false,
    });
    expect(starter.calls).toBe(0);
    expect(await deliver({ state: 'OK', at: T0 + 2 * MIN })).toMatchObject({ action: 'resolved' });
    expect(await store.get(result.incidentId ?? '')).toMatchObject({ status: 'RESOLVED', alarmState: 'OK' });
    expect((await store.loadResource(RESOURCE)).lastRemediatedAt).toBeUndefined();
  });

  it('does not apply a maintenance window to other resources', async () => {
    const window = { startsAt: T0 - MIN, endsAt: T0 + MIN, resources: ['InstanceId=i-other'] };
    const { deliver } = setup({ maintenanceWindows: [window] });
    expect((await deliver({ state: 'ALARM', at: T0 })).action).toBe('opened');
  });

  it('records a composite alarm whose actions CloudWatch suppressed, but remediates during a WaitPeriod', async () => {
    const { store, starter, deliver } = setup();
    const suppressed = await deliver({
      state: 'ALARM',
      at: T0,
      alarmName: 'Agg',
      dimensions: {},
      actionsSuppressedBy: 'Alarm',
    });
    expect(suppressed.action).toBe('suppressed');
    expect(await store.get(suppressed.incidentId ?? '')).toMatchObject({
      status: 'SUPPRESSED',
      resourceId: 'alarm:Agg',
    });
    const waiting = await deliver({
      state: 'ALARM',
      at: T0,
      alarmName: 'Agg2',
      dimensions: {},
      actionsSuppressedBy: 'WaitPeriod',
    });
    expect(waiting.action).toBe('opened');
    expect(starter.executions.size).toBe(1);
  });

  it('starts the execution on redelivery when StartExecution failed after the incident was written', async () => {
    const { store, starter, deliver } = setup({}, ['fail']);
    await expect(deliver({ state: 'ALARM', at: T0 })).rejects.toBeInstanceOf(ExecutionStartFailedError);
    const [incident] = store.allIncidents();
    expect(incident).toMatchObject({ status: 'OPEN', executionStarted: false });
    expect(starter.executions.size).toBe(0);
    expect(await deliver({ state: 'ALARM', at: T0 }, 'lambda')).toMatchObject({
      action: 'duplicate',
      executionStarted: true,
    });
    expect(starter.executions.size).toBe(1);
    expect((await store.get(incident?.incidentId ?? ''))?.executionStarted).toBe(true);
  });

  it('treats an execution that started before an ambiguous failure as started on redelivery', async () => {
    const { store, starter, deliver } = setup({}, ['fail-after-start']);
    await expect(deliver({ state: 'ALARM', at: T0 })).rejects.toBeInstanceOf(ExecutionStartFailedError);
    expect(starter.executions.size).toBe(1);
    await deliver({ state: 'ALARM', at: T0 });
    expect(starter.executions.size).toBe(1);
    expect(store.allIncidents()[0]?.executionStarted).toBe(true);
  });

  it('opens one incident when the same change is processed concurrently', async () => {
    const { store, starter, intake } = setup();
    const spec: ChangeSpec = {
      alarmName: 'CpuHigh',
      dimensions: { InstanceId: 'i-1' },
      state: 'ALARM',
      previousState: 'OK',
      at: T0,
    };
    const changes = (['eventbridge', 'sns', 'lambda', 'sns', 'eventbridge'] as const).flatMap((s) =>
      parseAlarmDelivery(encodeDelivery(spec, s)),
    );
    const results = await Promise.all(changes.map((c) => intake.process(c)));
    expect(results.filter((r) => r.action === 'opened')).toHaveLength(1);
    expect(store.allIncidents()).toHaveLength(1);
    expect(starter.executions.size).toBe(1);
  });
});
