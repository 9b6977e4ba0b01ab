import { Duration } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statesEntered, WorkflowHarness } from './harness.js';

// The stack with a 2 s escalation timeout: nobody answers, so the incident is closed as ESCALATED.
const h = new WorkflowHarness();
beforeAll(() => h.start({ escalationTimeout: Duration.seconds(2) }), 120_000);
afterAll(() => h.stop());

describe('an escalation nobody answers', () => {
  it('times out and marks the incident ESCALATED', async () => {
    const alarm = 'wf-unanswered';
    h.behaviours.set(alarm, () => 'noop');
    const { execution, incidentId } = await h.raise(alarm);
    expect(await h.settled(execution)).toBe('escalated');
    expect(await h.escalations(execution)).toHaveLength(1);
    await Promise.race([
      execution.done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no timeout')), 20_000)),
    ]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution).slice(-2)).toEqual(['MarkEscalated', 'Escalated']);
    const incident = await h.incidents.get(incidentId);
    expect(incident?.status).toBe('ESCALATED');
    const closed = (await h.incidents.listTimeline(incidentId)).find((e) => e.kind === 'escalated');
    expect(closed?.detail?.error).toBe('States.Timeout');
  });
});
