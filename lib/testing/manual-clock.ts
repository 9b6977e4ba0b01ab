import type { Clock } from '../leases/clock.js';

/**
 * A clock that moves only when told: for unit tests of timing rules without sleeping.
 *
 * @example
 * const clock = new ManualClock('a');
 * clock.advance(1_000);
 */
export class ManualClock implements Clock {
  private monotonic = 0;

  constructor(
    readonly id: string,
    private wall = 1_700_000_000_000,
  ) {}

  monotonicMs(): number {
    return this.monotonic;
  }

  wallMs(): number {
    return this.wall;
  }

  advance(ms: number): void {
    this.monotonic += ms;
    this.wall += ms;
  }

  /** Jumps the wall clock only (NTP step, a wrong clock): monotonic time is unaffected. */
  setWall(ms: number): void {
    this.wall = ms;
  }
}
