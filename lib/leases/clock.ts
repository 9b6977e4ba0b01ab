import { randomUUID } from 'node:crypto';

/**
 * The two clocks the lease protocol distinguishes. A monotonic reading is only comparable with readings from the
 * same `id` (one process); wall-clock readings are comparable across machines only within a declared skew.
 */
export interface Clock {
  /** Identifies this monotonic clock; readings from another id are not comparable. */
  readonly id: string;
  monotonicMs(): number;
  wallMs(): number;
}

const processClockId = `proc-${randomUUID()}`;

/**
 * The process's clocks: `performance.now()` (monotonic, never jumps) and `Date.now()`.
 *
 * @example
 * const leases = new Leases(store, { clock: systemClock });
 */
export const systemClock: Clock = {
  id: processClockId,
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};
