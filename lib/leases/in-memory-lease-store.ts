import { FencedConditionFailedError, LeaseLostError, StaleFencingTokenError } from './errors.js';
import type { Incarnation, Lease, LeaseKey, LeaseRecord } from './lease.js';
import type { AcquireWrite, FencedWrite, LeaseStore, WriteOutcome } from './lease-store.js';

const keyString = (key: LeaseKey): string => `${key.resource}\u0000${key.slot ?? ''}`;

/**
 * The lease port in memory, with exactly the conditions the DynamoDB adapter expresses. For unit tests and
 * simulations; one process only.
 *
 * @example
 * const leases = new Leases(new InMemoryLeaseStore());
 */
export class InMemoryLeaseStore implements LeaseStore {
  readonly items = new Map<string, LeaseRecord>();
  /** Guarded items written by `fencedWrite`, keyed `table|pk|sk`. */
  readonly guarded = new Map<string, Record<string, unknown>>();
  private readonly seenRequestTokens = new Set<string>();

  async acquire(key: LeaseKey, write: AcquireWrite): Promise<WriteOutcome> {
    const current = this.items.get(keyString(key));
    const allowed =
      current === undefined ||
      current.released ||
      (write.takeover !== undefined &&
        current.token === write.takeover.token &&
        current.nonce === write.takeover.nonce &&
        current.beat === write.takeover.beat) ||
      (write.wallCutoffMs !== undefined && current.expiresAtWallMs <= write.wallCutoffMs);
    if (!allowed) return { ok: false, current };
    const record: LeaseRecord = {
      token: (current?.token ?? 0) + 1,
      nonce: write.nonce,
      owner: write.owner,
      beat: 0,
      released: false,
      leaseMs: write.leaseMs,
      expiresAtWallMs: write.expiresAtWallMs,
    };
    this.items.set(keyString(key), record);
    return { ok: true, record };
  }

  async renew(key: LeaseKey, incarnation: Incarnation, expiresAtWallMs: number): Promise<WriteOutcome> {
    const current = this.items.get(keyString(key));
    if (!current || current.released || !matches(current, incarnation)) return { ok: false, current };
    const record = { ...current, beat: current.beat + 1, expiresAtWallMs };
    this.items.set(keyString(key), record);
    return { ok: true, record };
  }

  async release(key: LeaseKey, incarnation: Incarnation): Promise<WriteOutcome> {
    const current = this.items.get(keyString(key));
    if (!current || !matches(current, incarnation)) return { ok: false, current };
    const record = { ...current, released: true };
    this.items.set(keyString(key), record);
    return { ok: true, record };
  }

  async read(key: LeaseKey): Promise<LeaseRecord | undefined> {
    return this.items.get(keyString(key));
  }

  async fencedWrite(lease: Lease, write: FencedWrite, requestToken: string): Promise<void> {
    if (this.seenRequestTokens.has(requestToken)) return;
    const current = this.items.get(keyString(lease));
    if (!current || current.released || !matches(current, lease)) {
      throw new LeaseLostError(
        `lease on ${lease.resource} is no longer current`,
        lease.resource,
        'superseded',
      );
    }
    const id = `${write.table ?? ''}|${write.key.pk}|${write.key.sk}`;
    const item = { ...(this.guarded.get(id) ?? {}) };
    const fence = write.fenceAttribute ?? 'fenceToken';
    const seen = item[fence];
    if (typeof seen === 'number' && seen > lease.token) {
      throw new StaleFencingTokenError(
        `${id} has accepted token ${seen} > ${lease.token}`,
        lease.token,
        seen,
      );
    }
    if (seen !== undefined && typeof seen !== 'number') {
      throw new FencedConditionFailedError(`${id}.${fence} is not a number`);
    }
    item[fence] = lease.token;
    for (const [k, v] of Object.entries(write.set ?? {})) item[k] = v;
    for (const [k, v] of Object.entries(write.append ?? {})) {
      item[k] = [...((item[k] as unknown[] | undefined) ?? []), ...v];
    }
    for (const [k, v] of Object.entries(write.add ?? {}))
      item[k] = ((item[k] as number | undefined) ?? 0) + v;
    this.guarded.set(id, item);
    this.seenRequestTokens.add(requestToken);
  }
}

const matches = (record: LeaseRecord, incarnation: Incarnation): boolean =>
  record.token === incarnation.token && record.nonce === incarnation.nonce;
