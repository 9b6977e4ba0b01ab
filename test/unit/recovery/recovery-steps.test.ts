import { describe, expect, it } from 'vitest';
import { InMemoryDecisionRegister, WriteOnceBallots } from '../../../lib/ballots/index.js';
import { type Incident, InMemoryIncidentStore } from '../../../lib/incidents/index.js';
import { InMemoryLeaseStore, Leases, Semaphore } from '../../../lib/leases/index.js';
import {
  acquire,
  begin,
  decidePlan,
  type RecoveryDeps,
  type RecoveryState,
  release,
  resolve,
  ringOperations,
  runStep,
  verify,
} from '../../../lib/recovery/index.js';
import { createRing, MemoryRingStore, member } from '../../../lib/ring/index.js';
import { type LambdaRunbookPort, parseRunbookRules } from '../../../lib/runbooks/index.js';

const RESOURCE = 'NodeId=node-2,RingId=ring-a';
const INCIDENT = 'inc-1';

const rules = parseRunbookRules({
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
              params: { functionName: 'agent', payload: { node: '{{dimensions.NodeId}}' } },
            },
          ],
        },
      ],
    },
  ],
});

/** The recovery steps over in-memory adapters; the alarm is OK once the agent ran. */
async function world(options: { blastRadiusLimit?: number; maxLeaseWaits?: number } = {}) {
  const incidents = new InMemoryIncidentStore();
  const ring = new MemoryRingStore();
  await createRing(
    ring,
    'ring-a',
    ['node-1', 'node-2', 'node-3'].map((id) => member(id)),
  );
  const leases = new Leases(new InMemoryLeaseStore());
  const invoked: unknown[] = [];
  const lambda = {
    invoke: async (_name: string, _qualifier: string | undefined, payload: unknown) => {
      invoked.push(payload);
      return { payload: { ok: true } };
    },
  } as unknown as LambdaRunbookPort;
  let now = Date.UTC(2026, 0, 1);
  const deps: RecoveryDeps = {
    incidents,
    suspects: { getSuspects: async () => undefined },
    leases,
    semaphore: new Semaphore(leases),
    ballots: new WriteOnceBallots(new InMemoryDecisionRegister()),
    rules,
    ports: { ring: ringOperations(ring), lambda },
    checkAlarm: async () => ({ state: invoked.length > 0 ? 'OK' : 'ALARM', stateUpdatedAtMs: now }),
    config: {
      leaseMs: 60_000,
      blastRadiusLimit: options.blastRadiusLimit ?? 1,
      poolName: 'recovery',
      dryRun: false,
      maxLeaseWaits: options.maxLeaseWaits ?? 5,
      verify: { intervalSeconds: 60, maxChecks: 3 },
    },
    now: () => {
      now += 1_000;
      return new Date(now);
    },
  };
  const incident: Incident = {
    incidentId: INCIDENT,
    resourceId: RESOURCE,
    status: 'OPEN',
    remediation: 'auto',
    alarmName: 'wf-errors',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:1:alarm:wf-errors',
    account: '1',
    region: 'us-east-1',
    dimensions: { RingId: 'ring-a', NodeId: 'node-2' },
    reason: 'test',
    firstAlarmAt: now,
    alarmState: 'ALARM',
    alarmStateAt: now,
    openedAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    holdsGuard: true,
    executionName: INCIDENT,
    executionStarted: true,
    version: 1,
  };
  const created = await incidents.createIncident(incident, {
    expectedVersion: 0,
    episode: { incidentId: INCIDENT, firstAlarmAt: now, lastAlarmAt: now },
    entry: { at: incident.openedAt, kind: 'opened' },
  });
  if (created !== 'created') throw new Error('could not create the incident');
  const input: RecoveryState = { incidentId: INCIDENT, resourceId: RESOURCE, alarmName: 'wf-errors' };
  return { deps, incidents, ring, leases, invoked, input };
}

type World = Awaited<ReturnType<typeof world>>;

/** Runs the happy path the way the state machine does, from Begin to Release, for one execution name. */
async function recover(w: World, owner: string): Promise<RecoveryState> {
  let state: RecoveryState = { ...w.input, context: await begin(w.input, w.deps) };
  state = { ...state, lease: await acquire(state, owner, w.deps) };
  if (state.lease?.kind !== 'acquired') return state;
  return recoverHolding(w, owner, state);
}

/** DecidePlan to Release, for an execution that holds the lease. */
async function recoverHolding(w: World, owner: string, holding: RecoveryState): Promise<RecoveryState> {
  let state: RecoveryState = { ...holding, plan: await decidePlan(holding, owner, w.deps) };
  do state = { ...state, cursor: await runStep(state, owner, w.deps) };
  while (!state.cursor?.runbookDone);
  state = { ...state, verify: await verify(state, w.deps) };
  expect(state.verify?.status).toBe('recovered');
  await resolve(state, w.deps);
  await release(state, w.deps);
  return state;
}

describe('recovery steps', () => {
  it('drains, invokes, verifies, resolves and releases, recording each step on the timeline', async () => {
    const w = await world();
    await recover(w, 'exec-a');
    expect((await w.incidents.get(INCIDENT))?.status).toBe('RESOLVED');
    expect((await w.ring.read('ring-a'))?.members.find((m) => m.id === 'node-2')?.state).toBe('draining');
    expect(w.invoked).toHaveLength(1);
    expect((await w.leases.store.read({ resource: RESOURCE }))?.released).toBe(true);
    const kinds = (await w.incidents.listTimeline(INCIDENT)).map((e) => e.kind);
    expect(kinds).toEqual([
      'opened',
      'recovery-started',
      'lease-acquired',
      'plan-decided',
      'runbook-step',
      'runbook-step',
      'verified',
      'resolved',
    ]);
  });

  it('makes a second execution wait while the first holds the lease, then join without acting again', async () => {
    const w = await world();
    const second: RecoveryState = { ...w.input, context: await begin(w.input, w.deps) };
    let first: RecoveryState = { ...w.input, context: await begin(w.input, w.deps) };
    first = { ...first, lease: await acquire(first, 'exec-a', w.deps) };
    expect(first.lease?.kind).toBe('acquired');

    const waiting = await acquire(second, 'exec-b', w.deps);
    expect(waiting).toMatchObject({ kind: 'held', holder: 'exec-a', attempts: 1 });

    await recoverHolding(w, 'exec-a', first);
    expect((await w.incidents.get(INCIDENT))?.status).toBe('RESOLVED');
    const joined = await acquire({ ...second, lease: waiting }, 'exec-b', w.deps);
    expect(joined).toMatchObject({ kind: 'settled', status: 'RESOLVED', attempts: 2 });
    expect(w.invoked).toHaveLength(1);
    // Joining leaves nothing held.
    expect((await w.leases.store.read({ resource: RESOURCE }))?.released).toBe(true);
    expect((await w.incidents.listTimeline(INCIDENT)).map((e) => e.kind)).toContain('recovery-joined');
  });

  it('lets an execution started after the recovery begin and join instead of failing on the resolved incident', async () => {
    const w = await world();
    await recover(w, 'exec-a');
    const late = await recover(w, 'exec-late');
    expect(late.lease?.kind).toBe('settled');
    expect(w.invoked).toHaveLength(1);
  });

  it('releases a lease kept while waiting for a blast-radius slot when it gives up', async () => {
    const w = await world({ maxLeaseWaits: 2 });
    // Another recovery elsewhere holds the only slot.
    await w.deps.semaphore.acquire('recovery', 'elsewhere', 1, 60_000);
    let state: RecoveryState = w.input;
    state = { ...state, lease: await acquire(state, 'exec-a', w.deps) };
    expect(state.lease).toMatchObject({ kind: 'held', attempts: 1 });
    expect(state.lease?.kind === 'held' && state.lease.lease).toBeTruthy();
    state = { ...state, lease: await acquire(state, 'exec-a', w.deps) };
    expect(state.lease).toMatchObject({ kind: 'held', attempts: 2 });
    state = { ...state, lease: await acquire(state, 'exec-a', w.deps) };
    expect(state.lease).toMatchObject({ kind: 'gaveUp', attempts: 3 });
    expect((await w.leases.store.read({ resource: RESOURCE }))?.released).toBe(true);
  });
});
