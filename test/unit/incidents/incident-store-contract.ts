import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  type Incident,
  IncidentNotFoundError,
  IncidentStatusConflictError,
  type IncidentStore,
  InvalidIncidentTransitionError,
  incidentIdFor,
} from '../../../lib/incidents/index.js';

/** Builds a fresh incident for a fresh resource (stores may be shared between tests). */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  const resourceId = overrides.resourceId ?? `InstanceId=i-${randomUUID()}`;
  const firstAlarmAt = overrides.firstAlarmAt ?? Date.UTC(2026, 0, 1, 12);
  const alarmArn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:CpuHigh';
  const incidentId = overrides.incidentId ?? incidentIdFor(resourceId, alarmArn, firstAlarmAt);
  return {
    incidentId,
    resourceId,
    status: 'OPEN',
    remediation: 'auto',
    alarmName: 'CpuHigh',
    alarmArn,
    account: '123456789012',
    region: 'us-east-1',
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensions: { InstanceId: resourceId.slice('InstanceId='.length) },
    reason: 'Threshold Crossed',
    firstAlarmAt,
    alarmState: 'ALARM',
    alarmStateAt: firstAlarmAt,
    openedAt: '2026-01-01T12:00:01.000Z',
    updatedAt: '2026-01-01T12:00:01.000Z',
    holdsGuard: true,
    executionName: incidentId,
    executionStarted: false,
    version: 1,
    ...overrides,
  };
}

const opened = (incident: Incident) => ({
  expectedVersion: 0,
  episode: {
    incidentId: incident.incidentId,
    firstAlarmAt: incident.firstAlarmAt,
    lastAlarmAt: incident.firstAlarmAt,
  },
  entry: { at: incident.openedAt, kind: 'opened', detail: { status: incident.status } },
});

/**
 * The IncidentStore contract: every adapter (in-memory, DynamoDB Local) must pass it. Call inside a
 * `describe`; `store()` returns the adapter under test (it may be shared across tests: ids are unique).
 */
export function incidentStoreContract(store: () => IncidentStore): void {
  it('creates an incident holding its resource guard, readable by id and by resource', async () => {
    const incident = sampleIncident();
    expect(await store().createIncident(incident, opened(incident))).toBe('created');
    expect(await store().get(incident.incidentId)).toEqual(incident);
    expect(await store().findOpen(incident.resourceId)).toEqual(incident);
    const snapshot = await store().loadResource(incident.resourceId);
    expect(snapshot).toEqual({
      resourceId: incident.resourceId,
      version: 1,
      guardIncidentId: incident.incidentId,
      lastEpisode: opened(incident).episode,
      incident,
    });
    expect(await store().listTimeline(incident.incidentId)).toEqual([opened(incident).entry]);
  });

  it('refuses a second incident for the same id, a held guard or a stale resource version', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    expect(await store().createIncident(incident, { ...opened(incident), expectedVersion: 1 })).toBe(
      'conflict',
    );
    const other = sampleIncident({
      resourceId: incident.resourceId,
      firstAlarmAt: incident.firstAlarmAt + 1,
    });
    expect(await store().createIncident(other, { ...opened(other), expectedVersion: 1 })).toBe('conflict');
    const unguarded = {
      ...other,
      holdsGuard: false,
      status: 'MAINTENANCE' as const,
      remediation: 'maintenance' as const,
    };
    expect(await store().createIncident(unguarded, { ...opened(unguarded), expectedVersion: 0 })).toBe(
      'conflict',
    );
    expect(await store().createIncident(unguarded, { ...opened(unguarded), expectedVersion: 1 })).toBe(
      'created',
    );
    expect((await store().findOpen(incident.resourceId))?.incidentId).toBe(incident.incidentId);
    expect(await store().get(`missing-${randomUUID()}`)).toBeUndefined();
    expect(await store().findOpen(`missing-${randomUUID()}`)).toBeUndefined();
    const fresh = await store().loadResource(`missing-${randomUUID()}`);
    expect(fresh.version).toBe(0);
    expect(fresh.incident).toBeUndefined();
  });

  it('transitions conditionally, appends the entry, and rejects wrong or regressing statuses', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const entry = { at: '2026-01-01T12:01:00.000Z', kind: 'recovering', detail: { runbook: 'reboot' } };
    const result = await store().transition(incident.incidentId, { from: ['OPEN'], to: 'RECOVERING', entry });
    expect(result.previousStatus).toBe('OPEN');
    expect(result.incident.status).toBe('RECOVERING');
    expect((await store().get(incident.incidentId))?.status).toBe('RECOVERING');
    await expect(
      store().transition(incident.incidentId, { from: ['OPEN'], to: 'RECOVERING', entry }),
    ).rejects.toBeInstanceOf(IncidentStatusConflictError);
    await expect(
      store().transition(incident.incidentId, { from: ['RECOVERING'], to: 'OPEN', entry }),
    ).rejects.toBeInstanceOf(InvalidIncidentTransitionError);
    // A retried step that includes the target in `from` is idempotent.
    const again = await store().transition(incident.incidentId, {
      from: ['OPEN', 'RECOVERING'],
      to: 'RECOVERING',
      entry,
    });
    expect(again.previousStatus).toBe('RECOVERING');
    expect(
      (await store().listTimeline(incident.incidentId)).filter((e) => e.kind === 'recovering'),
    ).toHaveLength(1);
    await expect(
      store().transition(`missing-${randomUUID()}`, { from: ['OPEN'], to: 'RECOVERING', entry }),
    ).rejects.toBeInstanceOf(IncidentNotFoundError);
  });

  it('frees the guard on RESOLVED and records the remediation time for auto incidents', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const at = '2026-01-01T12:05:00.000Z';
    await store().transition(incident.incidentId, {
      from: ['OPEN'],
      to: 'RECOVERING',
      entry: { at, kind: 'recovering' },
    });
    const done = await store().transition(incident.incidentId, {
      from: ['RECOVERING'],
      to: 'RESOLVED',
      entry: { at, kind: 'resolved' },
    });
    expect(done.incident).toMatchObject({ status: 'RESOLVED', holdsGuard: false });
    expect(await store().findOpen(incident.resourceId)).toBeUndefined();
    const snapshot = await store().loadResource(incident.resourceId);
    expect(snapshot.guardIncidentId).toBeUndefined();
    expect(snapshot.lastRemediatedAt).toBe(Date.parse(at));
    expect(snapshot.incident?.status).toBe('RESOLVED');
    await expect(
      store().transition(incident.incidentId, { from: ['RESOLVED'], to: 'OPEN', entry: { at, kind: 'x' } }),
    ).rejects.toBeInstanceOf(InvalidIncidentTransitionError);
  });

  it('frees the guard on ESCALATED without recording a remediation', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    await store().transition(incident.incidentId, {
      from: ['OPEN'],
      to: 'ESCALATED',
      entry: { at: '2026-01-01T12:02:00.000Z', kind: 'escalated' },
    });
    expect(await store().findOpen(incident.resourceId)).toBeUndefined();
    expect((await store().loadResource(incident.resourceId)).lastRemediatedAt).toBeUndefined();
    // Resolving after approval does not touch a guard it no longer holds.
    const next = sampleIncident({
      resourceId: incident.resourceId,
      firstAlarmAt: incident.firstAlarmAt + 3_600_000,
    });
    expect(await store().createIncident(next, { ...opened(next), expectedVersion: 1 })).toBe('created');
    await store().transition(incident.incidentId, {
      from: ['ESCALATED'],
      to: 'RESOLVED',
      entry: { at: '2026-01-01T12:30:00.000Z', kind: 'resolved' },
    });
    expect((await store().findOpen(incident.resourceId))?.incidentId).toBe(next.incidentId);
  });

  it('appends timeline entries idempotently and lists them in time order', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const late = { at: '2026-01-01T13:00:00.000Z', kind: 'note', detail: { n: 2 } };
    const early = { at: '2026-01-01T12:30:00.000Z', kind: 'note', detail: { n: 1 } };
    await store().appendTimeline(incident.incidentId, late);
    await store().appendTimeline(incident.incidentId, early);
    await store().appendTimeline(incident.incidentId, late);
    await store().appendTimeline(incident.incidentId, {
      ...early,
      at: '2026-01-01T12:45:00.000Z',
      detail: { n: 3 },
    });
    const entries = await store().listTimeline(incident.incidentId);
    expect(entries.map((e) => e.detail?.n ?? e.kind)).toEqual(['opened', 1, 3, 2]);
    await expect(store().appendTimeline(`missing-${randomUUID()}`, late)).rejects.toBeInstanceOf(
      IncidentNotFoundError,
    );
  });

  it('attaches suspects to the incident and notes it on the timeline', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const suspects = [
      { source: 'node-3', score: 0.9, templates: ['error <*>'] },
      { source: 'node-1', score: 0.1 },
    ];
    const updated = await store().attachSuspects(incident.incidentId, suspects, '2026-01-01T12:03:00.000Z');
    expect(updated.suspects).toEqual(suspects);
    expect((await store().get(incident.incidentId))?.suspects).toEqual(suspects);
    expect((await store().listTimeline(incident.incidentId)).map((e) => e.kind)).toContain(
      'suspects-attached',
    );
    await expect(store().attachSuspects(`missing-${randomUUID()}`, [], 'x')).rejects.toBeInstanceOf(
      IncidentNotFoundError,
    );
  });

  it('records alarm observations: state only moves forward, episodes are version-checked', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const t = incident.firstAlarmAt;
    const entry = (at: number, state: string) => ({ at: new Date(at).toISOString(), kind: `alarm-${state}` });
    const common = { resourceId: incident.resourceId, expectedVersion: 1 };
    expect(
      await store().recordAlarm(
        incident.incidentId,
        { state: 'OK', stateChangedAt: t + 60_000 },
        { ...common, entry: entry(t + 60_000, 'ok') },
      ),
    ).toBe('recorded');
    expect(
      await store().recordAlarm(
        incident.incidentId,
        { state: 'INSUFFICIENT_DATA', stateChangedAt: t + 30_000 },
        { ...common, entry: entry(t + 30_000, 'insufficient-data') },
      ),
    ).toBe('recorded');
    expect(await store().get(incident.incidentId)).toMatchObject({
      alarmState: 'OK',
      alarmStateAt: t + 60_000,
    });
    const episode = { incidentId: incident.incidentId, firstAlarmAt: t, lastAlarmAt: t + 90_000 };
    expect(
      await store().recordAlarm(
        incident.incidentId,
        { state: 'ALARM', stateChangedAt: t + 90_000 },
        { ...common, expectedVersion: 7, episode, entry: entry(t + 90_000, 'alarm') },
      ),
    ).toBe('conflict');
    expect(
      await store().recordAlarm(
        incident.incidentId,
        { state: 'ALARM', stateChangedAt: t + 90_000 },
        { ...common, episode, entry: entry(t + 90_000, 'alarm') },
      ),
    ).toBe('recorded');
    const snapshot = await store().loadResource(incident.resourceId);
    expect(snapshot).toMatchObject({ version: 2, lastEpisode: episode });
    expect(snapshot.incident).toMatchObject({ alarmState: 'ALARM', alarmStateAt: t + 90_000 });
    expect((await store().listTimeline(incident.incidentId)).map((e) => e.kind)).toEqual([
      'opened',
      'alarm-insufficient-data',
      'alarm-ok',
      'alarm-alarm',
    ]);
  });

  it('moves the fault start back when an earlier ALARM of the episode arrives late, and never forward', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const t = incident.firstAlarmAt;
    const common = { resourceId: incident.resourceId, expectedVersion: 1 };
    const entry = (at: number) => ({ at: new Date(at).toISOString(), kind: 'alarm-alarm' });
    await store().recordAlarm(
      incident.incidentId,
      { state: 'ALARM', stateChangedAt: t + 5_000 },
      { ...common, entry: entry(t + 5_000) },
    );
    expect((await store().get(incident.incidentId))?.firstAlarmAt).toBe(t);
    await store().recordAlarm(
      incident.incidentId,
      { state: 'OK', stateChangedAt: t - 9_000 },
      { ...common, entry: entry(t - 9_000) },
    );
    expect((await store().get(incident.incidentId))?.firstAlarmAt).toBe(t);
    await store().recordAlarm(
      incident.incidentId,
      { state: 'ALARM', stateChangedAt: t - 1_000 },
      { ...common, entry: entry(t - 1_000) },
    );
    expect((await store().get(incident.incidentId))?.firstAlarmAt).toBe(t - 1_000);
  });

  it('marks the execution started once', async () => {
    const incident = sampleIncident();
    await store().createIncident(incident, opened(incident));
    const first = await store().markExecutionStarted(incident.incidentId, {
      at: '2026-01-01T12:00:02.000Z',
      executionArn: 'arn:exec:1',
    });
    expect(first).toMatchObject({ executionStarted: true, executionArn: 'arn:exec:1' });
    const second = await store().markExecutionStarted(incident.incidentId, {
      at: '2026-01-01T12:00:09.000Z',
    });
    expect(second).toMatchObject({ executionStarted: true, executionArn: 'arn:exec:1' });
    expect(
      (await store().listTimeline(incident.incidentId)).filter((e) => e.kind === 'execution-started'),
    ).toHaveLength(1);
    await expect(store().markExecutionStarted(`missing-${randomUUID()}`, { at: 'x' })).rejects.toBeInstanceOf(
      IncidentNotFoundError,
    );
  });
}
