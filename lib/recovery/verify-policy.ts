import type { Cursor, VerifyResult } from './state.js';

export interface VerifyPolicy {
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Checks before the runbook counts as failed. */
  readonly maxChecks: number;
  /**
   * Consecutive checks that must find the alarm OK before the recovery counts: one OK can be a flap.
   * @default 1
   */
  readonly okChecks?: number;
}

/**
 * Judges one verification check. Counting checks rather than reading a clock keeps the deadline the same in
 * AWS (real Wait states) and in the drill (simulated time): maxChecks × intervalSeconds of alarm time.
 */
export function judgeVerification(
  policy: VerifyPolicy,
  cursor: Cursor,
  previous: VerifyResult | undefined,
  alarm: { readonly state: string; readonly stateUpdatedAtMs?: number },
): Omit<VerifyResult, 'lease'> {
  const sameRun =
    previous && previous.round === cursor.round && previous.runbookIndex === cursor.runbookIndex;
  const checks = (sameRun ? previous.checks : 0) + 1;
  const base = { round: cursor.round, runbookIndex: cursor.runbookIndex, checks, alarmState: alarm.state };
  if (alarm.state === 'OK') {
    const streak = (sameRun ? (previous.okStreak ?? 0) : 0) + 1;
    // The streak's first OK is when the fix took: an alarm that stayed OK keeps that timestamp anyway.
    const okAt =
      (sameRun && (previous.okStreak ?? 0) > 0 ? previous.alarmOkAt : undefined) ?? alarm.stateUpdatedAtMs;
    const okFields = { okStreak: streak, ...(okAt === undefined ? {} : { alarmOkAt: okAt }) };
    if (streak >= (policy.okChecks ?? 1))
      return { ...base, ...okFields, status: 'recovered', waitSeconds: 0 };
    return { ...base, ...okFields, status: 'pending', waitSeconds: policy.intervalSeconds };
  }
  if (checks >= policy.maxChecks) return { ...base, okStreak: 0, status: 'failed', waitSeconds: 0 };
  return { ...base, okStreak: 0, status: 'pending', waitSeconds: policy.intervalSeconds };
}
