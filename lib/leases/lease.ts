import type { Clock } from './clock.js';

/** Addresses one lease item: a named resource, or one slot of a semaphore pool (`resource` is the pool name). */
export interface LeaseKey {
  readonly resource: string;
  /** Semaphore slot index; absent for a plain lease. */
  readonly slot?: number;
}

/** The stored state of one lease item. Items are never deleted, so `token` never resets. */
export interface LeaseRecord {
  /** Fencing token: +1 on every acquisition, takeovers included. */
  readonly token: number;
  /** Unique per acquisition attempt: says whose write landed when a reply was lost. */
  readonly nonce: string;
  readonly owner: string;
  /** +1 on every renewal, so a contender watching the incarnation sees the holder is alive. */
  readonly beat: number;
  readonly released: boolean;
  readonly leaseMs: number;
  /** Holder's wall-clock expiry; only consulted in the opt-in wall-clock takeover mode. */
  readonly expiresAtWallMs: number;
}

/** The incarnation a mutation is conditioned on: never the owner name (ABA). */
export interface Incarnation {
  readonly token: number;
  readonly nonce: string;
}

/** When the holder must stop acting, on its own clocks. */
export interface Validity {
  /** The monotonic clock the deadline below was measured on. */
  readonly clockId: string;
  /** request start + leaseMs − drift margin, on that monotonic clock. */
  readonly validUntilMonotonicMs: number;
  /** The same deadline on the holder's wall clock: used only by another process (another Lambda invocation). */
  readonly validUntilWallMs: number;
}

/**
 * A held lease: plain JSON, so Step Functions can carry it from the invocation that acquired it to the ones that
 * renew, fence with, and release it.
 */
export interface Lease extends Incarnation {
  readonly resource: string;
  readonly slot?: number;
  readonly owner: string;
  readonly beat: number;
  readonly leaseMs: number;
  readonly validity: Validity;
}

/**
 * What a contender saw of someone else's lease, and when it first saw it. Carry it (JSON) into the next `acquire`:
 * a takeover is allowed once the same incarnation has been seen unchanged for a full lease duration.
 */
export interface Observation extends Incarnation {
  readonly resource: string;
  readonly slot?: number;
  readonly holder: string;
  readonly beat: number;
  readonly leaseMs: number;
  readonly clockId: string;
  readonly firstSeenMonotonicMs: number;
  readonly firstSeenWallMs: number;
}

export type AcquireResult =
  | { readonly kind: 'acquired'; readonly lease: Lease }
  | {
      readonly kind: 'held';
      readonly holder: string;
      readonly observation: Observation;
      /** Wait this long before calling `acquire` again with `observation` to be allowed a takeover. */
      readonly retryAfterMs: number;
      /** `retryAfterMs` rounded up to whole seconds, for a Step Functions Wait state's `SecondsPath`. */
      readonly retryAfterSeconds: number;
    };

export const isFree = (record: LeaseRecord | undefined): boolean => record === undefined || record.released;

export const sameKey = (a: LeaseKey, b: LeaseKey): boolean => a.resource === b.resource && a.slot === b.slot;

export const keyOf = (x: LeaseKey): LeaseKey =>
  x.slot === undefined ? { resource: x.resource } : { resource: x.resource, slot: x.slot };

/** Conservative holder-side deadline: measured from when the request was *sent*, minus the drift margin. */
export function validityFrom(
  clock: Clock,
  startMonotonicMs: number,
  startWallMs: number,
  leaseMs: number,
  driftMarginMs: number,
): Validity {
  const usable = leaseMs - driftMarginMs;
  return {
    clockId: clock.id,
    validUntilMonotonicMs: startMonotonicMs + usable,
    validUntilWallMs: startWallMs + usable,
  };
}

/**
 * Milliseconds the holder may still act (≤ 0: stop). In the process that measured the deadline, both of its clocks
 * must agree: the monotonic one guards against wall-clock steps, and the wall one against a paused VM (a frozen
 * Lambda's microVM may not advance its monotonic clock while paused; its wall clock is resynchronised on thaw).
 * From another process only wall clocks are comparable, so the declared skew is subtracted.
 */
export function remainingMs(validity: Validity, clock: Clock, maxClockSkewMs: number): number {
  const wallLeft = validity.validUntilWallMs - clock.wallMs();
  if (validity.clockId === clock.id) {
    return Math.min(validity.validUntilMonotonicMs - clock.monotonicMs(), wallLeft);
  }
  return wallLeft - maxClockSkewMs;
}

/**
 * Folds a freshly read record into the contender's observation: the same incarnation keeps its first-seen time,
 * anything else (new token, new nonce, a renewal's beat) restarts the watch now. "Now" is after the reply arrived,
 * which is later than the holder's write: the conservative side.
 */
export function observe(
  previous: Observation | undefined,
  key: LeaseKey,
  record: LeaseRecord,
  clock: Clock,
): Observation {
  if (previous && sameKey(previous, key) && sameIncarnation(previous, record)) return previous;
  return {
    ...keyOf(key),
    token: record.token,
    nonce: record.nonce,
    beat: record.beat,
    holder: record.owner,
    leaseMs: record.leaseMs,
    clockId: clock.id,
    firstSeenMonotonicMs: clock.monotonicMs(),
    firstSeenWallMs: clock.wallMs(),
  };
}

export const sameIncarnation = (o: Observation, r: LeaseRecord): boolean =>
  !r.released && o.token === r.token && o.nonce === r.nonce && o.beat === r.beat;

/**
 * How long until the observed incarnation has been seen unchanged for a full lease duration (≤ 0: takeover
 * allowed). Within one process the monotonic clock decides. An observation carried from another invocation can
 * only be compared by wall clock, so the declared maximum skew is added to the wait.
 */
export function takeoverWaitMs(observation: Observation, clock: Clock, maxClockSkewMs: number): number {
  if (observation.clockId === clock.id) {
    return observation.firstSeenMonotonicMs + observation.leaseMs - clock.monotonicMs();
  }
  return observation.firstSeenWallMs + observation.leaseMs + maxClockSkewMs - clock.wallMs();
}

/** Default drift margin: 2% of the lease (covers clocks whose rates differ by up to ±1%), at least 1 ms. */
export const defaultDriftMarginMs = (leaseMs: number): number => Math.max(1, Math.ceil(leaseMs / 50));
