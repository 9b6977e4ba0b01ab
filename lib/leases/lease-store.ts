import type { Incarnation, Lease, LeaseKey, LeaseRecord } from './lease.js';

/** One conditional acquisition write. The store must apply it only if one of the allowed states holds. */
export interface AcquireWrite {
  readonly owner: string;
  readonly nonce: string;
  readonly leaseMs: number;
  readonly expiresAtWallMs: number;
  /** Also allowed: take over exactly this incarnation (same token, nonce and beat, not released). */
  readonly takeover?: Incarnation & { readonly beat: number };
  /** Wall-clock mode only: also allowed when the stored `expiresAtWallMs` ≤ this value. */
  readonly wallCutoffMs?: number;
}

export type WriteOutcome =
  | { readonly ok: true; readonly record: LeaseRecord }
  /** The condition failed; `current` is the item as it was (ReturnValuesOnConditionCheckFailure=ALL_OLD). */
  | { readonly ok: false; readonly current: LeaseRecord | undefined };

/**
 * A write to guarded state, applied only while the lease is current and only if the target has not accepted a
 * newer fencing token. Values are plain JSON-like data.
 */
export interface FencedWrite {
  /** Table of the guarded item; the coordination table when absent. */
  readonly table?: string;
  readonly key: { readonly pk: string; readonly sk: string };
  /** Attributes to set. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Lists to append to (created when missing). */
  readonly append?: Readonly<Record<string, readonly unknown[]>>;
  /** Numbers to add to. */
  readonly add?: Readonly<Record<string, number>>;
  /**
   * The attribute holding the highest token this item has accepted. Use one attribute per guarding lease.
   * @default 'fenceToken'
   */
  readonly fenceAttribute?: string;
}

/** Storage port for leases. Adapters must throw `LeaseUnknownError` when a write may or may not have applied,
 * and `ThrottledError` when it certainly was not. */
export interface LeaseStore {
  /** Free (absent or released) → acquire with token + 1; else as `AcquireWrite` allows. One request. */
  acquire(key: LeaseKey, write: AcquireWrite): Promise<WriteOutcome>;
  /** beat + 1 if the exact incarnation is current and not released. */
  renew(key: LeaseKey, incarnation: Incarnation, expiresAtWallMs: number): Promise<WriteOutcome>;
  /** released = true if the exact incarnation is current. The token is kept. */
  release(key: LeaseKey, incarnation: Incarnation): Promise<WriteOutcome>;
  /** Strongly consistent read. */
  read(key: LeaseKey): Promise<LeaseRecord | undefined>;
  /** One atomic request: lease still current + token guard on the target + the write. Idempotent per `requestToken`. */
  fencedWrite(lease: Lease, write: FencedWrite, requestToken: string): Promise<void>;
}
