import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock.js';
import { LeaseLostError, LeaseUnknownError } from './errors.js';
import {
  type AcquireResult,
  defaultDriftMarginMs,
  isFree,
  keyOf,
  type Lease,
  type LeaseKey,
  type LeaseRecord,
  type Observation,
  observe,
  remainingMs,
  sameKey,
  takeoverWaitMs,
  validityFrom,
} from './lease.js';
import type { FencedWrite, LeaseStore, WriteOutcome } from './lease-store.js';

export interface LeasesOptions {
  /** @default systemClock */
  readonly clock?: Clock;
  /**
   * How takeovers of unreleased leases are judged. `'observe'`: only after this contender has seen the same
   * incarnation unchanged for a full lease duration (no clock is trusted across machines). `'wall-clock'`: when
   * the holder's written wall-clock expiry plus `maxClockSkewMs` has passed on the contender's wall clock.
   * @default 'observe'
   */
  readonly takeover?: 'observe' | 'wall-clock';
  /**
   * Declared bound on the difference between two machines' wall clocks. Used in wall-clock mode, and whenever a
   * lease handle or an observation crosses processes (another Lambda invocation has no shared monotonic clock).
   * @default 1000
   */
  readonly maxClockSkewMs?: number;
  /**
   * Subtracted from the holder's validity to cover clock rate differences.
   * @default 2% of the lease, at least 1 ms
   */
  readonly driftMarginMs?: (leaseMs: number) => number;
  /** @default crypto.randomUUID */
  readonly newNonce?: () => string;
}

export interface AcquireOptions {
  /** From an earlier `held` result for the same resource: lets the unchanged-for-a-lease rule carry over. */
  readonly observation?: Observation;
  /**
   * Reuse a nonce (e.g. derived from the Step Functions execution and state) so a retried invocation recognises
   * its own earlier write instead of waiting out its own lease. A recognised write is renewed before it is used.
   */
  readonly nonce?: string;
}

export type ReleaseResult = { readonly kind: 'released' } | { readonly kind: 'lost' };

const RESOLVE_ATTEMPTS = 3;

/**
 * Chubby-style leases with fencing tokens over a `LeaseStore`.
 *
 * @example
 * const leases = new Leases(new DynamoDbLeaseStore({ client, tableName: process.env.COORDINATION_TABLE! }));
 * const r = await leases.acquire('i-0abc', 'recovery-1', 30_000);
 * if (r.kind === 'acquired') {
 *   leases.assertValid(r.lease);
 *   await leases.fencedWrite(r.lease, { key: { pk: 'runbook#i-0abc', sk: 'state' }, set: { step: 'restart' } });
 *   await leases.release(r.lease);
 * }
 */
export class Leases {
  readonly clock: Clock;
  readonly mode: 'observe' | 'wall-clock';
  readonly maxClockSkewMs: number;
  private readonly driftMargin: (leaseMs: number) => number;
  private readonly newNonce: () => string;

  constructor(
    readonly store: LeaseStore,
    options: LeasesOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.mode = options.takeover ?? 'observe';
    this.maxClockSkewMs = options.maxClockSkewMs ?? 1000;
    this.driftMargin = options.driftMarginMs ?? defaultDriftMarginMs;
    this.newNonce = options.newNonce ?? randomUUID;
  }

  /**
   * Acquires `resource` for `leaseMs`. A free or released lease costs one conditional write. Contention is a value:
   * `{ kind: 'held', observation, retryAfterMs }`; pass `observation` back after `retryAfterMs` to take over a
   * holder that stopped renewing.
   */
  acquire(
    resource: string,
    owner: string,
    leaseMs: number,
    options: AcquireOptions = {},
  ): Promise<AcquireResult> {
    return this.acquireKey({ resource }, owner, leaseMs, options);
  }

  /** Same as `acquire` for any lease item (semaphores use it per slot). */
  async acquireKey(
    key: LeaseKey,
    owner: string,
    leaseMs: number,
    options: AcquireOptions = {},
  ): Promise<AcquireResult> {
    if (!(leaseMs > 0) || this.driftMargin(leaseMs) >= leaseMs) {
      throw new RangeError(`leaseMs must exceed the drift margin, received ${leaseMs}`);
    }
    const nonce = options.nonce ?? this.newNonce();
    let observation =
      options.observation && sameKey(options.observation, key) ? options.observation : undefined;
    for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
      const eligible =
        this.mode === 'observe' &&
        observation &&
        takeoverWaitMs(observation, this.clock, this.maxClockSkewMs) <= 0
          ? observation
          : undefined;
      const startMonotonicMs = this.clock.monotonicMs();
      const startWallMs = this.clock.wallMs();
      let outcome: WriteOutcome;
      try {
        outcome = await this.store.acquire(key, {
          owner,
          nonce,
          leaseMs,
          expiresAtWallMs: startWallMs + leaseMs,
          ...(eligible
            ? { takeover: { token: eligible.token, nonce: eligible.nonce, beat: eligible.beat } }
            : {}),
          ...(this.mode === 'wall-clock' ? { wallCutoffMs: startWallMs - this.maxClockSkewMs } : {}),
        });
      } catch (error) {
        if (!(error instanceof LeaseUnknownError)) throw error;
        // The write may have landed: a strongly consistent read says whose it was (our nonce) or that it didn't.
        const current = await this.readOrUnknown(key, nonce);
        outcome =
          current && current.nonce === nonce && !current.released
            ? { ok: true, record: current }
            : { ok: false, current };
      }
      if (!outcome.ok && outcome.current?.nonce === nonce && !outcome.current.released) {
        // Our own write already landed (a duplicate delivery, or a retry whose first reply was lost).
        const lease = this.toLease(key, outcome.current, startMonotonicMs, startWallMs);
        // A caller-supplied nonce may be from an earlier invocation whose start time we do not know: renew first.
        return { kind: 'acquired', lease: options.nonce ? await this.renew(lease) : lease };
      }
      if (outcome.ok) {
        return { kind: 'acquired', lease: this.toLease(key, outcome.record, startMonotonicMs, startWallMs) };
      }
      const current = outcome.current;
      if (isFree(current) || current === undefined) continue;
      observation = observe(observation, key, current, this.clock);
      const retryAfterMs = Math.max(
        0,
        this.mode === 'observe'
          ? takeoverWaitMs(observation, this.clock, this.maxClockSkewMs)
          : current.expiresAtWallMs + this.maxClockSkewMs - this.clock.wallMs(),
      );
      return {
        kind: 'held',
        holder: current.owner,
        observation,
        retryAfterMs,
        retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      };
    }
    throw new LeaseUnknownError(
      `acquire of ${describe(key)} raced ${RESOLVE_ATTEMPTS} times without a result`,
      key.resource,
    );
  }

  /**
   * Extends the lease from now, conditioned on the exact incarnation. Renew at step boundaries (no background
   * heartbeat inside a Lambda). Throws `LeaseLostError` if a newer incarnation exists or it was released.
   */
  async renew(lease: Lease): Promise<Lease> {
    const key = keyOf(lease);
    for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
      const startMonotonicMs = this.clock.monotonicMs();
      const startWallMs = this.clock.wallMs();
      let outcome: WriteOutcome;
      try {
        outcome = await this.store.renew(key, lease, startWallMs + lease.leaseMs);
      } catch (error) {
        if (!(error instanceof LeaseUnknownError)) throw error;
        const current = await this.readOrUnknown(key);
        if (!this.isOurs(lease, current)) throw this.lost(lease, current);
        // A beat past ours means our renewal landed (its reply was lost); otherwise it did not: try again.
        if (current.beat > lease.beat) return this.toLease(key, current, startMonotonicMs, startWallMs);
        continue;
      }
      if (!outcome.ok) throw this.lost(lease, outcome.current);
      return this.toLease(key, outcome.record, startMonotonicMs, startWallMs);
    }
    throw new LeaseUnknownError(`renew of ${describe(lease)} did not resolve`, lease.resource);
  }

  /** Marks the lease released (the token is kept). A late release of an old incarnation changes nothing. */
  async release(lease: Lease): Promise<ReleaseResult> {
    const key = keyOf(lease);
    for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
      let outcome: WriteOutcome;
      try {
        outcome = await this.store.release(key, lease);
      } catch (error) {
        if (!(error instanceof LeaseUnknownError)) throw error;
        const current = await this.readOrUnknown(key);
        if (current?.token === lease.token && current.nonce === lease.nonce) {
          if (current.released) return { kind: 'released' };
          continue;
        }
        return { kind: 'lost' };
      }
      return { kind: outcome.ok ? 'released' : 'lost' };
    }
    throw new LeaseUnknownError(`release of ${describe(lease)} did not resolve`, lease.resource);
  }

  /** Milliseconds the holder may still act; throws `LeaseLostError` if none. Call before every side effect. */
  assertValid(lease: Lease): number {
    const left = remainingMs(lease.validity, this.clock, this.maxClockSkewMs);
    if (left <= 0) {
      throw new LeaseLostError(
        `lease on ${describe(lease)} expired on the holder's clock`,
        lease.resource,
        'expired',
      );
    }
    return left;
  }

  /**
   * Writes guarded state only while this lease is current and only if the target has not accepted a newer token
   * (one TransactWriteItems). Throws `LeaseLostError`, `StaleFencingTokenError`, `LeaseUnknownError`.
   */
  async fencedWrite(lease: Lease, write: FencedWrite, requestToken: string = this.newNonce()): Promise<void> {
    this.assertValid(lease);
    await this.store.fencedWrite(lease, write, requestToken);
  }

  private toLease(key: LeaseKey, record: LeaseRecord, startMonotonicMs: number, startWallMs: number): Lease {
    return {
      ...keyOf(key),
      owner: record.owner,
      token: record.token,
      nonce: record.nonce,
      beat: record.beat,
      leaseMs: record.leaseMs,
      validity: validityFrom(
        this.clock,
        startMonotonicMs,
        startWallMs,
        record.leaseMs,
        this.driftMargin(record.leaseMs),
      ),
    };
  }

  private isOurs(lease: Lease, current: LeaseRecord | undefined): current is LeaseRecord {
    return current?.token === lease.token && current.nonce === lease.nonce && !current.released;
  }

  private lost(lease: Lease, current: LeaseRecord | undefined): LeaseLostError {
    const released = current?.token === lease.token && current.nonce === lease.nonce && current.released;
    return new LeaseLostError(
      released
        ? `lease on ${describe(lease)} was released`
        : `lease on ${describe(lease)} (token ${lease.token}) was superseded by token ${current?.token ?? 'none'}`,
      lease.resource,
      released ? 'released' : 'superseded',
    );
  }

  private async readOrUnknown(key: LeaseKey, nonce?: string): Promise<LeaseRecord | undefined> {
    try {
      return await this.store.read(key);
    } catch (error) {
      throw new LeaseUnknownError(
        `outcome on ${describe(key)} unknown: the resolving read failed (${String(error)})`,
        key.resource,
        nonce,
      );
    }
  }
}

const describe = (key: LeaseKey): string =>
  key.slot === undefined ? key.resource : `${key.resource}[slot ${key.slot}]`;
