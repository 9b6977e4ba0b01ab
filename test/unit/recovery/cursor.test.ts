import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterStep,
  type Cursor,
  cursorFor,
  nextRunbook,
  type PlanResult,
  startCursor,
  startRunbookFor,
  UnknownRunbookError,
} from '../../../lib/recovery/index.js';
import type { PlannedRunbook } from '../../../lib/runbooks/index.js';

// Replay a failure with FC_SEED=<seed>; FC_RUNS raises the run count.
const SEED = Number(process.env.FC_SEED ?? 20_261_126);
const RUNS = Number(process.env.FC_RUNS ?? 300);

const runbook = (id: string, steps: number): PlannedRunbook => ({
  id,
  rule: id.split('/')[0] ?? id,
  runbook: id.split('/')[1] ?? id,
  steps: Array.from({ length: steps }, (_, i) => ({
    kind: 'lambda.invoke',
    params: { functionName: `${id}-${i}` },
  })) as unknown as PlannedRunbook['steps'],
});

const plan = (stepCounts: readonly number[], round = 1, startRunbook = 0): PlanResult => ({
  runbooks: stepCounts.map((n, i) => runbook(`r/rb${i}`, n)),
  epoch: 1,
  proposerId: 'exec-1',
  adopted: false,
  round,
  startRunbook,
  decidedAtMs: 1_000,
});

/** Drives one round the way the state machine does: RunStep until runbookDone, then Verify fails → NextRunbook. */
function walk(p: PlanResult, incomplete: (c: Cursor) => boolean) {
  const visited: Array<[number, number]> = [];
  let cursor = cursorFor(p, undefined);
  let now = p.decidedAtMs;
  for (let guard = 0; guard < 1_000 && !cursor.exhausted; guard += 1) {
    while (!cursor.runbookDone) {
      const again = incomplete(cursor);
      if (!again) visited.push([cursor.runbookIndex, cursor.stepIndex]);
      now += 10;
      const next = afterStep(p, cursor, !again, now);
      if (again) expect(next).toEqual({ ...cursor, waitSeconds: 30 });
      cursor = next;
    }
    now += 10;
    cursor = nextRunbook(p, cursor, now);
  }
  return { visited, cursor };
}

describe('cursor', () => {
  it("starts a round at the plan's start runbook, first step, at the time the plan was decided", () => {
    expect(startCursor(plan([2, 1], 3, 1))).toEqual({
      round: 3,
      runbookIndex: 1,
      stepIndex: 0,
      runbookDone: false,
      exhausted: false,
      waitSeconds: 0,
      stepStartedAtMs: 1_000,
    });
  });

  it('is exhausted from the start when the start runbook is past the plan', () => {
    const c = startCursor(plan([1], 1, 1));
    expect(c.exhausted).toBe(true);
    expect(c.runbookDone).toBe(true);
  });

  it('keeps the cursor of the current round and starts over for a new one', () => {
    const p = plan([2, 2], 2);
    const current: Cursor = { ...startCursor(p), stepIndex: 1 };
    expect(cursorFor(p, current)).toBe(current);
    expect(cursorFor(p, { ...current, round: 1 })).toEqual(startCursor(p));
  });

  it('keeps the start time of an incomplete step (so retries recognise their own work) and asks for a wait', () => {
    const p = plan([2]);
    const c = startCursor(p);
    const again = afterStep(p, c, false, 5_000, 15);
    expect(again).toEqual({ ...c, runbookDone: false, waitSeconds: 15 });
  });

  it('visits every step of every runbook once, in order, then is exhausted (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        (counts, phases) => {
          const p = plan(counts);
          let i = 0;
          // Some steps report themselves incomplete a few times first (multi-phase steps).
          const { visited, cursor } = walk(p, () => phases[i++] ?? false);
          const expected = counts.flatMap((n, r) =>
            Array.from({ length: n }, (_, s) => [r, s] as [number, number]),
          );
          expect(visited).toEqual(expected);
          expect(cursor.exhausted).toBe(true);
          expect(cursor.runbookIndex).toBe(counts.length);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("gives each step a start time no earlier than the previous step's (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), (counts) => {
        const p = plan(counts);
        let cursor = startCursor(p);
        let now = p.decidedAtMs;
        let last = cursor.stepStartedAtMs;
        while (!cursor.exhausted) {
          now += 7;
          cursor = cursor.runbookDone ? nextRunbook(p, cursor, now) : afterStep(p, cursor, true, now);
          expect(cursor.stepStartedAtMs).toBeGreaterThanOrEqual(last);
          last = cursor.stepStartedAtMs;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('startRunbookFor', () => {
  const ids = ['r/a', 'r/b', 'r/c'];
  const cursorAt = (runbookIndex: number): Cursor => ({ ...startCursor(plan([1, 1, 1])), runbookIndex });

  it('starts with the first runbook without a decision', () => {
    expect(startRunbookFor(ids, {})).toBe(0);
    expect(startRunbookFor(ids, { cursor: cursorAt(2) })).toBe(0);
  });

  it('starts with the runbook a person chose', () => {
    expect(
      startRunbookFor(ids, { decision: { decision: 'runbook', runbook: 'r/c' }, cursor: cursorAt(0) }),
    ).toBe(2);
  });

  it('refuses a chosen runbook that is not in the plan instead of running another one', () => {
    expect(() => startRunbookFor(ids, { decision: { decision: 'runbook', runbook: 'r/zzz' } })).toThrow(
      UnknownRunbookError,
    );
    expect(() => startRunbookFor(ids, { decision: { decision: 'runbook' } })).toThrow(/not in the plan/);
  });

  it('retries the runbook that was running, or the last one once all were tried', () => {
    expect(startRunbookFor(ids, { decision: { decision: 'retry' }, cursor: cursorAt(1) })).toBe(1);
    expect(startRunbookFor(ids, { decision: { decision: 'retry' }, cursor: cursorAt(3) })).toBe(2);
    expect(startRunbookFor(ids, { decision: { decision: 'retry' } })).toBe(0);
  });
});
