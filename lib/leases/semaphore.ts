import type { Lease, Observation } from './lease.js';
import type { Leases, ReleaseResult } from './leases.js';

export interface SemaphoreAcquireOptions {
  /** Observations from an earlier `held` result for this pool: each slot keeps its own takeover watch. */
  readonly observations?: readonly Observation[];
  /** Where to start probing slots, in [0, 1). Pass a random number to spread contenders. @default 0 */
  readonly start?: number;
}

export type SemaphoreAcquireResult =
  | { readonly kind: 'acquired'; readonly lease: Lease }
  | {
      readonly kind: 'held';
      readonly holders: readonly string[];
      readonly observations: readonly Observation[];
      readonly retryAfterMs: number;
      readonly retryAfterSeconds: number;
    };

/**
 * A counting semaphore: at most `capacity` holders of a named pool, for blast-radius limits ("restart at most 2
 * instances of this fleet at once"). Each slot is an ordinary lease item with its own fencing token and the same
 * takeover rule. Every caller of a pool must pass the same capacity.
 *
 * @example
 * const sem = new Semaphore(leases);
 * const r = await sem.acquire('fleet-web', 'recovery-7', 2, 60_000, { start: Math.random() });
 * if (r.kind === 'acquired') { ...; await sem.release(r.lease); }
 */
export class Semaphore {
  constructor(private readonly leases: Leases) {}

  /** Tries slots one by one from `start`: one request when a slot is free, at most `capacity` when all are held. */
  async acquire(
    pool: string,
    owner: string,
    capacity: number,
    leaseMs: number,
    options: SemaphoreAcquireOptions = {},
  ): Promise<SemaphoreAcquireResult> {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, received ${capacity}`);
    }
    const first = Math.floor((options.start ?? 0) * capacity) % capacity;
    const order = Array.from({ length: capacity }, (_, i) => (first + i) % capacity);
    const holders: string[] = [];
    const observations: Observation[] = [];
    let retryAfterMs = Number.POSITIVE_INFINITY;
    for (const slot of order) {
      const observation = options.observations?.find((o) => o.resource === pool && o.slot === slot);
      const result = await this.leases.acquireKey({ resource: pool, slot }, owner, leaseMs, {
        ...(observation ? { observation } : {}),
      });
      if (result.kind === 'acquired') return result;
      holders.push(result.holder);
      observations.push(result.observation);
      retryAfterMs = Math.min(retryAfterMs, result.retryAfterMs);
    }
    return {
      kind: 'held',
      holders,
      observations,
      retryAfterMs,
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
    };
  }

  renew(lease: Lease): Promise<Lease> {
    return this.leases.renew(lease);
  }

  release(lease: Lease): Promise<ReleaseResult> {
    return this.leases.release(lease);
  }

  assertValid(lease: Lease): number {
    return this.leases.assertValid(lease);
  }
}
