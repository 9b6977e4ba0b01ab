import type { Member } from './members.js';

/** A lease token from the coordination layer that fences a ring write (see `changeRing`). */
export interface Fence {
  /** The leased resource, e.g. the incident's resource id. */
  readonly resource: string;
  readonly token: number;
}

/** What the ring item holds: membership only, plus the fencing tokens it has seen. */
export interface RingRecord {
  readonly ringId: string;
  /** Starts at 1; +1 on every membership change. */
  readonly version: number;
  readonly members: readonly Member[];
  /** Highest fencing token seen per fenced resource. */
  readonly fences: Readonly<Record<string, number>>;
  readonly updatedAt?: string;
}

export interface RingWrite {
  readonly members: readonly Member[];
  /** The version to store: expected + 1 for a membership change, expected when only a fence advances. */
  readonly version: number;
  /** Condition on `token >= highest seen for resource`, and store the token. */
  readonly fence?: Fence;
  readonly updatedAt: string;
}

export type RingWriteResult =
  | { readonly kind: 'written'; readonly version: number }
  /** Someone else wrote first: re-read and re-apply. */
  | { readonly kind: 'conflict' }
  | { readonly kind: 'stale-fence'; readonly highestSeen: number }
  | { readonly kind: 'missing' };

/**
 * The port the ring logic needs: one versioned record per ring. Every write is conditional on the version
 * the caller read, so a writer holding an old copy (a stale cache) can never overwrite a newer ring.
 */
export interface RingStore {
  /** Strongly consistent read of the whole record; undefined when the ring does not exist. */
  read(ringId: string): Promise<RingRecord | undefined>;
  /** The cheapest read that tells whether a cached ring is current. */
  readVersion(ringId: string): Promise<number | undefined>;
  /** Creates the ring at version 1 unless it exists. */
  create(
    ringId: string,
    members: readonly Member[],
    updatedAt: string,
  ): Promise<{ readonly kind: 'created'; readonly version: number } | { readonly kind: 'exists' }>;
  /** Replaces the members if the stored version is still `expectedVersion` (and the fence holds). */
  write(ringId: string, expectedVersion: number, write: RingWrite): Promise<RingWriteResult>;
}
