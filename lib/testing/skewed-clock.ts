import type { Clock } from '../leases/clock.js';

export interface ClockSkew {
  /** Added to both readings (a machine whose clock is set wrong). */
  readonly offsetMs?: number;
  /** Rate error: 0.01 runs 1% fast, −0.01 runs 1% slow. */
  readonly rate?: number;
}

/**
 * A clock for one simulated machine, derived from the test's true time: its own monotonic id, an offset, and a
 * rate error. Used to run many "machines" in one process.
 *
 * @example
 * const clock = skewedClock('client-3', { offsetMs: 250, rate: 0.005 });
 */
export function skewedClock(
  id: string,
  skew: ClockSkew = {},
  trueNow: () => number = () => performance.now(),
): Clock {
  const origin = trueNow();
  const wallOrigin = Date.now();
  const rate = 1 + (skew.rate ?? 0);
  const offset = skew.offsetMs ?? 0;
  const local = () => (trueNow() - origin) * rate;
  return {
    id,
    monotonicMs: () => origin + local() + offset,
    wallMs: () => wallOrigin + local() + offset,
  };
}
