import type { Cursor, VerifyResult } from './state.js';

export interface VerifyPolicy {
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Checks before the runbook counts as failed. */
  readonly maxChecks: number;
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
    return {
      ...base,
      status: 'recovered',
      waitSeconds: 0,
      ...(alarm.stateUpdatedAtMs === undefined ? {} : { alarmOkAt: alarm.stateUpdatedAtMs }),
    };
  }
  if (checks >= policy.maxChecks) return { ...base, status: 'failed', waitSeconds: 0 };
  return { ...base, status: 'pending', waitSeconds: policy.intervalSeconds };
}
