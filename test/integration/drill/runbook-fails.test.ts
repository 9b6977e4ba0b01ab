import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { type Captured, incidentItems, printResult, runDrillCapturing, timelineItems } from './capture.js';
import { mismatches } from './checks.js';

describe('drill: runbook-fails (the fallback runs, fails too, and the workflow escalates)', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('runbook-fails'));
    printResult(result);
  });

  it('ran the first runbook, then the fallback, as the incident timeline records', () => {
    expect(mismatches(result, captured)).toEqual([]);
    const timeline = timelineItems(captured, String(result.incidentId));
    const tried = [
      ...new Set(
        timeline
          .filter((e) => e.kind === 'runbook-step')
          .map((e) => (e.detail as { runbook: string }).runbook),
      ),
    ];
    expect(tried).toEqual(['checkout-node/flush-cache', 'checkout-node/drain-restart']);
    expect(result.runbooksTried).toEqual(tried);
    expect(result.fallbackRan).toBe(true);
    expect(timeline.some((e) => e.kind === 'verification-failed')).toBe(true);
    expect(timeline.some((e) => e.kind === 'runbooks-exhausted')).toBe(true);
    const [execution] = captured.executions;
    const failed = execution?.events.filter((e) => e.type === 'TaskFailed') ?? [];
    expect(failed.map((e) => e.error)).toContain('RunbookStepFailedError');
    expect(execution?.states).toEqual(expect.arrayContaining(['NextRunbook', 'Escalate', 'MarkEscalated']));
  });

  it('escalated with a task token in the escalations queue, and the close answer is recorded', () => {
    expect(result.escalated).toBe(true);
    expect(captured.queueDepth.ESCALATIONS_QUEUE_URL).toBe(1);
    const [message] = (captured.queueMessages.ESCALATIONS_QUEUE_URL ?? []) as Array<Record<string, unknown>>;
    expect(message).toMatchObject({ kind: 'escalation', incidentId: result.incidentId });
    expect(typeof message?.taskToken).toBe('string');
    expect(String(message?.taskToken).length).toBeGreaterThan(0);
    expect(result.recovered).toBe(false);
    expect(incidentItems(captured).map((i) => i.status)).toEqual(['ESCALATED']);
    expect(captured.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(captured.executions[0]?.states.at(-1)).toBe('Escalated');
  });
});
