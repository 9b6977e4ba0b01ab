import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../lib/local/stepfunctions-emulator.js';
import { currentLease, type RecoveryState } from '../../../lib/recovery/index.js';
import { FALLBACK_RUNBOOK, FIRST_RUNBOOK, statesEntered, WorkflowHarness } from './harness.js';

// The synthesized recovery state machine, executed by the embedded runtime against DynamoDB Local, the SQS
// emulator, the CloudWatch emulator and a registered fleet-agent Lambda. One runtime for the file; each case has
// its own alarm, ring and resource.
const h = new WorkflowHarness();
beforeAll(() => h.start(), 120_000);
afterAll(() => h.stop());

const failing = (): never => {
  const error = new Error('node did not come back');
  error.name = 'RestartFailed';
  throw error;
};

describe('recovery workflow', () => {
  it('recovers: drains the node, runs the agent, verifies the alarm, resolves and notifies', async () => {
    const alarm = 'wf-success';
    const { execution, incidentId, ringId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('finished');

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'Begin',
      'Acquire',
      'LeaseTaken',
      'DecidePlan',
      'RunStep',
      'StepsLeft',
      'RunStep',
      'StepsLeft',
      // The alarm must be found OK on two consecutive checks (the stack's default), one OK can be a flap.
      'Verify',
      'Recovered',
      'WaitToVerify',
      'Verify',
      'Recovered',
      'Resolve',
      'Release',
      'Notify',
      'Done',
    ]);
    const incident = await h.incidents.get(incidentId);
    expect(incident?.status).toBe('RESOLVED');
    const ring = await h.ringState(ringId);
    expect(ring.states['node-2']).toBe('draining');
    expect(ring.version).toBe(2);
    expect(h.callsFor(alarm).map((c) => c.action)).toEqual(['restart']);

    const kinds = await h.timelineKinds(incidentId);
    for (const kind of [
      'recovery-started',
      'lease-acquired',
      'plan-decided',
      'runbook-step',
      'verified',
      'resolved',
    ]) {
      expect(kinds).toContain(kind);
    }
    const timeline = await h.incidents.listTimeline(incidentId);
    const plan = timeline.find((e) => e.kind === 'plan-decided');
    expect(plan?.detail?.runbooks).toEqual([FIRST_RUNBOOK, FALLBACK_RUNBOOK]);
    const steps = timeline.filter((e) => e.kind === 'runbook-step');
    expect(steps.map((e) => [e.detail?.kind, e.detail?.outcome])).toEqual([
      ['ring.drain', 'applied'],
      ['lambda.invoke', 'applied'],
    ]);
    const notified = await h.notifications(incidentId);
    expect(notified).toHaveLength(1);
    expect(notified[0]?.kind).toBe('resolved');
    // The lease was released, so the resource is free for the next recovery.
    const lease = await h.leases.store.read({ resource: incident?.resourceId ?? '' });
    expect(lease?.released).toBe(true);
  });

  it('moves to the next runbook when a step fails, then escalates with a task token', async () => {
    const alarm = 'wf-fail-then-runbook';
    let healed = false;
    h.behaviours.set(alarm, () => (healed ? 'fix' : failing()));
    const { execution, incidentId, ringId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');

    const states = statesEntered(execution);
    expect(states).toContain('NextRunbook');
    expect(states.at(-1)).toBe('Escalate');
    expect(h.callsFor(alarm).map((c) => c.action)).toEqual(['restart', 'fallback']);
    const [message, ...more] = await h.escalations(execution);
    expect(more).toHaveLength(0);
    expect(message?.taskToken).toMatch(/^[\w-]{16,}$/);
    expect(message?.incidentId).toBe(incidentId);
    expect(message?.options).toEqual(['retry', 'runbook', 'close']);
    expect(message?.error.Error).toBe('RunbooksExhausted');
    const kinds = await h.timelineKinds(incidentId);
    expect(kinds).toContain('next-runbook');
    expect(kinds).toContain('runbooks-exhausted');
    expect(kinds).toContain('escalation-requested');
    expect((await h.incidents.get(incidentId))?.status).toBe('RECOVERING');

    // A person picks the fallback runbook; the agent works this time.
    healed = true;
    const ringBefore = await h.ringState(ringId);
    await h.answer(execution, { decision: 'runbook', runbook: FALLBACK_RUNBOOK });
    expect(await h.settled(execution)).toBe('finished');
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution).at(-1)).toBe('Done');
    expect(h.callsFor(alarm).map((c) => c.action)).toEqual(['restart', 'fallback', 'fallback']);
    // Only the chosen runbook ran in the second round: the ring was not touched again.
    expect(await h.ringState(ringId)).toEqual(ringBefore);
    expect((await h.incidents.get(incidentId))?.status).toBe('RESOLVED');
  });

  it('resumes on a retry decision and recovers', async () => {
    const alarm = 'wf-retry';
    let healed = false;
    h.behaviours.set(alarm, () => (healed ? 'fix' : failing()));
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');

    healed = true;
    await h.answer(execution, { decision: 'retry', by: 'oncall@example.com' });
    expect(await h.settled(execution)).toBe('finished');
    expect(execution.status).toBe('SUCCEEDED');
    expect((await h.incidents.get(incidentId))?.status).toBe('RESOLVED');
    const plans = (await h.incidents.listTimeline(incidentId)).filter((e) => e.kind === 'plan-decided');
    expect(plans.map((e) => e.detail?.round)).toEqual([1, 2]);
    // The second round ran one runbook (the last one tried) and recovered with it.
    expect(h.callsFor(alarm).at(-1)?.action).toBe('fallback');
  });

  it('asks again when a person chooses a runbook that is not in the plan', async () => {
    const alarm = 'wf-unknown-runbook';
    h.behaviours.set(alarm, failing);
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');
    const calls = h.callsFor(alarm).length;

    await h.answer(execution, { decision: 'runbook', runbook: 'wf/no-such-runbook' });
    expect(await h.settled(execution)).toBe('escalated');
    const messages = await h.escalations(execution);
    expect(messages).toHaveLength(2);
    expect(messages[1]?.error.Error).toBe('UnknownRunbookError');
    expect(h.callsFor(alarm)).toHaveLength(calls);

    await h.answer(execution, { decision: 'close' });
    expect(await h.settled(execution)).toBe('finished');
    expect((await h.incidents.get(incidentId))?.status).toBe('ESCALATED');
  });

  it('marks the incident ESCALATED when a person closes it', async () => {
    const alarm = 'wf-close';
    h.behaviours.set(alarm, failing);
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');

    await h.answer(execution, { decision: 'close', by: 'oncall@example.com' });
    expect(await h.settled(execution)).toBe('finished');
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution).slice(-3)).toEqual(['Decision', 'MarkEscalated', 'Escalated']);
    const incident = await h.incidents.get(incidentId);
    expect(incident?.status).toBe('ESCALATED');
    const escalated = (await h.incidents.listTimeline(incidentId)).find((e) => e.kind === 'escalated');
    expect(escalated?.detail?.decision).toBe('close');
    // Nothing is left held: the lease was released before asking.
    expect((await h.leases.store.read({ resource: incident?.resourceId ?? '' }))?.released).toBe(true);
  });

  it('retries a throttled step with backoff and then succeeds, with the same idempotency key', async () => {
    const alarm = 'wf-throttled';
    h.behaviours.set(alarm, (_call, attempt) => {
      if (attempt <= 2) {
        const error = new Error('Rate exceeded');
        error.name = 'TransientRunbookError';
        throw error;
      }
      return 'fix';
    });
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('finished');

    expect(execution.status).toBe('SUCCEEDED');
    const failures = execution.history.filter((e) => e.type === 'TaskFailed' && e.stateName === 'RunStep');
    expect(failures.map((e) => e.error)).toEqual(['TransientRunbookError', 'TransientRunbookError']);
    expect(
      execution.history.filter((e) => e.type === 'TaskRetried' && e.stateName === 'RunStep'),
    ).toHaveLength(2);
    expect(statesEntered(execution)).not.toContain('Escalate');
    const calls = h.callsFor(alarm);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.stepKey)).size).toBe(1);
    expect((await h.incidents.get(incidentId))?.status).toBe('RESOLVED');
  });

  it('refuses the fenced step when the lease is lost mid-run, and escalates', async () => {
    const alarm = 'wf-lease-lost';
    let runSteps = 0;
    let intruderToken = 0;
    h.taskHooks.set(alarm, async (stateName, execution) => {
      if (stateName !== 'RunStep' || ++runSteps !== 2) return;
      // Between the drain and the agent call, another owner takes the resource over.
      const entered = execution.history.findLast((e) => e.type === 'TaskStateEntered');
      const state = entered?.input as unknown as RecoveryState;
      const lease = currentLease(state);
      await h.leases.release(lease);
      const taken = await h.leases.acquire(state.resourceId, 'intruder', 60_000);
      if (taken.kind !== 'acquired') throw new Error('intruder could not take the lease');
      intruderToken = taken.lease.token;
    });
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');

    // The drain ran under the lease; the agent step was refused before it acted.
    expect(h.callsFor(alarm)).toEqual([]);
    const refused = execution.history.find((e) => e.type === 'TaskFailed' && e.stateName === 'RunStep');
    expect(['LeaseLostError', 'RunbookFenceLostError']).toContain(refused?.error);
    const [message] = await h.escalations(execution);
    expect(['LeaseLostError', 'RunbookFenceLostError']).toContain(message?.error.Error);
    const incident = await h.incidents.get(incidentId);
    const record = await h.leases.store.read({ resource: incident?.resourceId ?? '' });
    // The intruder still holds it: the workflow's release did not touch a newer incarnation.
    expect(record?.owner).toBe('intruder');
    expect(record?.token).toBe(intruderToken);
    expect(record?.released).toBe(false);
    const steps = (await h.incidents.listTimeline(incidentId)).filter((e) => e.kind === 'runbook-step');
    expect(steps.map((e) => e.detail?.kind)).toEqual(['ring.drain']);

    h.taskHooks.delete(alarm);
    await h.answer(execution, { decision: 'close' });
    expect(await h.settled(execution)).toBe('finished');
    expect((await h.incidents.get(incidentId))?.status).toBe('ESCALATED');
  });

  it('lets one of two executions for the same resource act; the other waits, then joins', async () => {
    const alarm = 'wf-concurrent';
    let first: ExecutionRecord | undefined;
    let second: ExecutionRecord | undefined;
    let secondAcquires = 0;
    // Deterministic interleaving: the second execution tries the lease while the first holds it, and again
    // right after the first released it; the first waits there until the second has looked. An execution that
    // released before recording the resolution would let the second act a second time.
    h.taskHooks.set(alarm, async (stateName, execution) => {
      if (!execution.name.endsWith('-again')) {
        await until(() => second !== undefined);
        const other = second as ExecutionRecord;
        if (exited(execution, 'Release')) await until(() => countExited(other, 'Acquire') >= 2);
        return;
      }
      if (stateName !== 'Acquire') return;
      secondAcquires += 1;
      const holder = first as ExecutionRecord;
      if (secondAcquires === 1) await until(() => statesEntered(holder).includes('DecidePlan'));
      else await until(() => exited(holder, 'Release'));
    });
    const { execution, incidentId, ringId } = await h.raise(alarm);
    first = execution;
    second = h.runtime.stepFunctions.startExecution(`${execution.name}-again`, execution.input);
    expect(await h.settled(execution)).toBe('finished');
    expect(await h.settled(second)).toBe('finished');

    expect(execution.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    expect(statesEntered(second)).toContain('WaitForLease');
    expect(statesEntered(second)).not.toContain('RunStep');
    expect(h.callsFor(alarm)).toHaveLength(1);
    const ring = await h.ringState(ringId);
    expect(ring.version).toBe(2);
    expect((await h.incidents.get(incidentId))?.status).toBe('RESOLVED');
    const acquired = (await h.incidents.listTimeline(incidentId)).filter((e) => e.kind === 'lease-acquired');
    const tokens = acquired.map((e) => e.detail?.token as number);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBeGreaterThan(tokens[0] ?? Number.POSITIVE_INFINITY);
    expect(await h.timelineKinds(incidentId)).toContain('recovery-joined');
  });
});

const exited = (execution: ExecutionRecord, state: string) => countExited(execution, state) > 0;
const countExited = (execution: ExecutionRecord, state: string) =>
  execution.history.filter((e) => e.type === 'TaskStateExited' && e.stateName === state).length;

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the other execution');
    await new Promise((r) => setTimeout(r, 5));
  }
}
