import { describe, expect, it } from 'vitest';
import { type Cursor, judgeVerification, type VerifyResult } from '../../../lib/recovery/index.js';

const policy = { intervalSeconds: 60, maxChecks: 3 };
const cursor = (round = 1, runbookIndex = 0): Cursor => ({
  round,
  runbookIndex,
  stepIndex: 1,
  runbookDone: true,
  exhausted: false,
  waitSeconds: 0,
  stepStartedAtMs: 0,
});

/** Runs checks the way the Verify ⟲ WaitToVerify loop does, until the judgement is not pending. */
function loop(states: readonly string[], c = cursor(), first?: VerifyResult) {
  let previous = first;
  const seen: Array<Omit<VerifyResult, 'lease'>> = [];
  for (const state of states) {
    const judged = judgeVerification(policy, c, previous, { state, stateUpdatedAtMs: 42 });
    seen.push(judged);
    previous = judged;
    if (judged.status !== 'pending') break;
  }
  return seen;
}

describe('judgeVerification', () => {
  it('is recovered as soon as the alarm is OK, with the time CloudWatch saw it', () => {
    const [judged] = loop(['OK']);
    expect(judged).toEqual({
      status: 'recovered',
      round: 1,
      runbookIndex: 0,
      checks: 1,
      alarmState: 'OK',
      waitSeconds: 0,
      alarmOkAt: 42,
      okStreak: 1,
    });
  });

  it('with okChecks, needs the alarm OK on consecutive checks and keeps the first OK time', () => {
    const strict = { ...policy, maxChecks: 5, okChecks: 2 };
    let previous: VerifyResult | undefined;
    const seen: string[] = [];
    for (const [state, at] of [
      ['OK', 10],
      ['ALARM', 20],
      ['OK', 30],
      ['OK', 40],
    ] as const) {
      const judged = judgeVerification(strict, cursor(), previous, { state, stateUpdatedAtMs: at });
      seen.push(judged.status);
      previous = judged as VerifyResult;
    }
    expect(seen).toEqual(['pending', 'pending', 'pending', 'recovered']);
    expect(previous?.alarmOkAt).toBe(30);
  });

  it('waits the interval while the alarm is not OK, and fails after maxChecks checks', () => {
    const seen = loop(['ALARM', 'INSUFFICIENT_DATA', 'ALARM', 'OK']);
    expect(seen.map((j) => [j.status, j.checks, j.waitSeconds])).toEqual([
      ['pending', 1, 60],
      ['pending', 2, 60],
      ['failed', 3, 0],
    ]);
  });

  it('recovers on the last allowed check', () => {
    expect(loop(['ALARM', 'ALARM', 'OK']).at(-1)?.status).toBe('recovered');
  });

  it('starts counting again for the next runbook and for a new round', () => {
    const twice = loop(['ALARM', 'ALARM']).at(-1) as VerifyResult;
    expect(twice.checks).toBe(2);
    expect(judgeVerification(policy, cursor(1, 0), twice, { state: 'ALARM' }).status).toBe('failed');
    expect(judgeVerification(policy, cursor(1, 1), twice, { state: 'ALARM' }).checks).toBe(1);
    expect(judgeVerification(policy, cursor(2, 0), twice, { state: 'ALARM' }).checks).toBe(1);
  });

  it('omits alarmOkAt when CloudWatch gave no timestamp', () => {
    expect(judgeVerification(policy, cursor(), undefined, { state: 'OK' })).not.toHaveProperty('alarmOkAt');
  });
});
