import { UnknownRunbookError } from './errors.js';
import type { Cursor, PlanResult } from './state.js';

/** Where a round starts: the plan's chosen runbook, first step. */
export function startCursor(plan: PlanResult): Cursor {
  const exhausted = plan.startRunbook >= plan.runbooks.length;
  return {
    round: plan.round,
    runbookIndex: plan.startRunbook,
    stepIndex: 0,
    runbookDone: exhausted,
    exhausted,
    waitSeconds: 0,
    stepStartedAtMs: plan.decidedAtMs,
  };
}

/** The cursor to run now: a fresh one when the plan started a new round. */
export function cursorFor(plan: PlanResult, cursor: Cursor | undefined): Cursor {
  return cursor && cursor.round === plan.round ? cursor : startCursor(plan);
}

/**
 * After a step ran (at `nowMs`): the next step, or done with this runbook; an incomplete step is run again after
 * a wait, keeping its start time.
 */
export function afterStep(
  plan: PlanResult,
  cursor: Cursor,
  complete: boolean,
  nowMs: number,
  retryAfterSeconds = 30,
): Cursor {
  if (!complete) return { ...cursor, runbookDone: false, waitSeconds: retryAfterSeconds };
  const steps = plan.runbooks[cursor.runbookIndex]?.steps.length ?? 0;
  const stepIndex = cursor.stepIndex + 1;
  return { ...cursor, stepIndex, runbookDone: stepIndex >= steps, waitSeconds: 0, stepStartedAtMs: nowMs };
}

/** After verification failed (at `nowMs`): the next runbook, or exhausted. */
export function nextRunbook(plan: PlanResult, cursor: Cursor, nowMs: number): Cursor {
  const runbookIndex = cursor.runbookIndex + 1;
  const exhausted = runbookIndex >= plan.runbooks.length;
  return {
    ...cursor,
    runbookIndex,
    stepIndex: 0,
    runbookDone: exhausted,
    exhausted,
    waitSeconds: 0,
    stepStartedAtMs: nowMs,
  };
}

/**
 * Which runbook a new round starts with, given the previous round and a person's decision, if any: the chosen
 * runbook (`runbook`), the last runbook tried (`retry`), else the first. A chosen runbook that is not in the plan
 * throws {@link UnknownRunbookError} rather than silently running another one (the workflow asks again).
 *
 * @example
 * startRunbookFor(['a/x', 'a/y'], { decision: { decision: 'runbook', runbook: 'a/y' } }); // 1
 */
export function startRunbookFor(
  runbookIds: readonly string[],
  previous: { cursor?: Cursor; decision?: { decision: string; runbook?: string } },
): number {
  const decision = previous.decision;
  if (decision?.decision === 'runbook') {
    const index = decision.runbook === undefined ? -1 : runbookIds.indexOf(decision.runbook);
    if (index < 0) {
      throw new UnknownRunbookError(
        `Runbook ${JSON.stringify(decision.runbook ?? null)} is not in the plan: ${runbookIds.join(', ')}`,
      );
    }
    return index;
  }
  if (decision?.decision === 'retry' && previous.cursor) {
    return Math.min(previous.cursor.runbookIndex, Math.max(0, runbookIds.length - 1));
  }
  return 0;
}
