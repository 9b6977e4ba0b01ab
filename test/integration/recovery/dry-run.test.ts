import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statesEntered, WorkflowHarness } from './harness.js';

// The same synthesized stack with `dryRun: true`: every runbook is rehearsed, nothing changes.
const h = new WorkflowHarness();
beforeAll(() => h.start({ dryRun: true }), 120_000);
afterAll(() => h.stop());

describe('recovery workflow in dry-run', () => {
  it('changes nothing, records what it would do, and leaves the decision to a person', async () => {
    const alarm = 'wf-dry-run';
    const { execution, incidentId, ringId } = await h.raise(alarm);
    const ringBefore = await h.ringState(ringId);
    expect(await h.settled(execution)).toBe('escalated');

    // No fleet agent call, ring membership and version unchanged.
    expect(h.callsFor(alarm)).toEqual([]);
    expect(await h.ringState(ringId)).toEqual(ringBefore);
    expect(ringBefore.states['node-2']).toBe('up');

    const timeline = await h.incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.kind === 'recovery-started')?.detail?.dryRun).toBe(true);
    const steps = timeline.filter((e) => e.kind === 'runbook-step');
    // Both runbooks were rehearsed: drain + agent, then the fallback agent call.
    expect(steps.map((e) => [e.detail?.kind, e.detail?.outcome, e.detail?.dryRun])).toEqual([
      ['ring.drain', 'would-apply', true],
      ['lambda.invoke', 'would-apply', true],
      ['lambda.invoke', 'would-apply', true],
    ]);
    for (const step of steps) {
      const actions = step.detail?.actions as Array<{ performed: boolean }>;
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.every((a) => a.performed === false)).toBe(true);
    }
    expect(statesEntered(execution)).toContain('NextRunbook');
    const [message] = await h.escalations(execution);
    expect(message?.error.Error).toBe('RunbooksExhausted');

    await h.answer(execution, { decision: 'close' });
    expect(await h.settled(execution)).toBe('finished');
    expect((await h.incidents.get(incidentId))?.status).toBe('ESCALATED');
    expect(h.callsFor(alarm)).toEqual([]);
    expect(await h.ringState(ringId)).toEqual(ringBefore);
  });
});
