import { RingContentionError, RingExistsError, RingNotFoundError, StaleFencingTokenError } from './errors.js';
import { applyChange, canonicalMembers, type Member, type RingChange } from './members.js';
import { diffRings, type MovementPlan, type PlanSummary, toSummary } from './plan.js';
import { HashRing, type RingOptions } from './ring.js';
import type { Fence, RingStore } from './ring-store.js';

export interface RingOperationOptions extends RingOptions {
  /** Fence the write with a lease token: refused with `StaleFencingTokenError` if a newer token was seen. */
  readonly fence?: Fence;
  /** Attempts on version conflicts before `RingContentionError`. @default 10 */
  readonly maxAttempts?: number;
  /** Return every moved range, not only the per-member summary. @default false */
  readonly includeRanges?: boolean;
  /** Clock for `updatedAt`. @default () => new Date() */
  readonly now?: () => Date;
  /** Randomness for the backoff between conflicting attempts. @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RingChangeResult<P extends PlanSummary = PlanSummary> {
  /** The ring's version after the operation (unchanged when nothing needed doing). */
  readonly version: number;
  /** What moved: empty transfers when the ring already satisfied the change (a retried step). */
  readonly plan: P;
  /** False when the ring already satisfied the change. */
  readonly changed: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies one membership change with optimistic concurrency: read the ring, apply the change, write it
 * conditioned on the version read (and on the fence, when given); on a version conflict re-read and re-apply.
 * Idempotent: a change the ring already satisfies writes nothing (except to advance a newer fence token).
 *
 * @example
 * const { version, plan } = await changeRing(store, 'default', { kind: 'drain', id: 'node-7' });
 */
export async function changeRing(
  store: RingStore,
  ringId: string,
  change: RingChange,
  options: RingOperationOptions & { includeRanges: true },
): Promise<RingChangeResult<MovementPlan>>;
export async function changeRing(
  store: RingStore,
  ringId: string,
  change: RingChange,
  options?: RingOperationOptions,
): Promise<RingChangeResult>;
export async function changeRing(
  store: RingStore,
  ringId: string,
  change: RingChange,
  options: RingOperationOptions = {},
): Promise<RingChangeResult<PlanSummary | MovementPlan>> {
  const maxAttempts = options.maxAttempts ?? 10;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const { fence } = options;
  const finish = (before: readonly Member[], after: readonly Member[], version: number, changed: boolean) => {
    const plan = changed
      ? diffRings(HashRing.build(before, options), HashRing.build(after, options), change)
      : { change, movedFraction: 0, transfers: [], ranges: [] };
    return { version, changed, plan: options.includeRanges ? plan : toSummary(plan) };
  };

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) {
      // Full jitter, capped: contenders spread out instead of colliding again in lockstep.
      await sleep(Math.floor(random() * Math.min(200, 5 * 2 ** attempt)));
    }
    const record = await store.read(ringId);
    if (!record) {
      if (change.kind !== 'add') throw new RingNotFoundError(ringId);
      // Adding to a ring that does not exist creates it, so `ring add` works on a fresh table.
      const { members } = applyChange([], change);
      const created = await store.create(ringId, members, now().toISOString());
      if (created.kind === 'exists') continue; // someone created it meanwhile: apply to theirs
      if (fence) await advanceFenceAfterCreate(store, ringId, created.version, members, fence, now);
      return finish([], members, created.version, true);
    }
    const highestSeen = fence ? record.fences[fence.resource] : undefined;
    if (fence && highestSeen !== undefined && fence.token < highestSeen) {
      throw new StaleFencingTokenError(fence.resource, fence.token, highestSeen);
    }
    const { members, changed } = applyChange(record.members, change);
    const fenceAdvances = fence !== undefined && (highestSeen === undefined || fence.token > highestSeen);
    if (!changed && !fenceAdvances) return finish(record.members, record.members, record.version, false);
    const result = await store.write(ringId, record.version, {
      members,
      // A fence-only write keeps the version: membership did not change, so no cache needs rebuilding.
      version: changed ? record.version + 1 : record.version,
      ...(fence ? { fence } : {}),
      updatedAt: now().toISOString(),
    });
    switch (result.kind) {
      case 'written':
        return finish(record.members, members, result.version, changed);
      case 'stale-fence':
        throw new StaleFencingTokenError(fence?.resource ?? '', fence?.token ?? 0, result.highestSeen);
      case 'missing':
        throw new RingNotFoundError(ringId);
      case 'conflict':
        break;
    }
  }
  throw new RingContentionError(ringId, maxAttempts);
}

async function advanceFenceAfterCreate(
  store: RingStore,
  ringId: string,
  version: number,
  members: readonly Member[],
  fence: Fence,
  now: () => Date,
): Promise<void> {
  // Best effort: the ring was just created by this caller; a conflict means another writer already moved on.
  await store.write(ringId, version, { members, version, fence, updatedAt: now().toISOString() });
}

/** Arguments of the fault operations the recovery workflow calls. */
export interface NodeOperationInput extends RingOperationOptions {
  readonly store: RingStore;
  readonly ringId: string;
  readonly nodeId: string;
}

/**
 * Takes a node out of key ownership for a planned removal; it stays listed as `draining`.
 *
 * @example
 * const { version, plan } = await drain({ store, ringId: 'default', nodeId: 'i-0abc', fence: { resource, token } });
 */
export function drain(input: NodeOperationInput): Promise<RingChangeResult> {
  const { store, ringId, nodeId, ...options } = input;
  return changeRing(store, ringId, { kind: 'drain', id: nodeId }, options);
}

/**
 * Takes a failed node out of key ownership; it stays listed as `down` until `restore`d or removed.
 *
 * @example
 * const { plan } = await markDown({ store, ringId: 'default', nodeId: 'i-0abc' });
 */
export function markDown(input: NodeOperationInput): Promise<RingChangeResult> {
  const { store, ringId, nodeId, ...options } = input;
  return changeRing(store, ringId, { kind: 'markDown', id: nodeId }, options);
}

/**
 * Returns a draining or down node to `up`; the plan lists the ranges it takes back.
 *
 * @example
 * await restore({ store, ringId: 'default', nodeId: 'i-0abc', fence });
 */
export function restore(input: NodeOperationInput): Promise<RingChangeResult> {
  const { store, ringId, nodeId, ...options } = input;
  return changeRing(store, ringId, { kind: 'restore', id: nodeId }, options);
}

/**
 * Creates a ring with these members at version 1.
 *
 * @example
 * await createRing(store, 'default', [member('node-a'), member('node-b', 2)]);
 */
export async function createRing(
  store: RingStore,
  ringId: string,
  members: readonly Member[],
  options: Pick<RingOperationOptions, 'now'> = {},
): Promise<{ version: number }> {
  const now = options.now ?? (() => new Date());
  const created = await store.create(ringId, canonicalMembers(members), now().toISOString());
  if (created.kind === 'exists') throw new RingExistsError(ringId);
  return { version: created.version };
}

/**
 * Adds a member (weight 1 unless given), creating the ring if needed. Idempotent for the same weight.
 *
 * @example
 * const { plan } = await addMember(store, 'default', { id: 'node-d' });
 */
export function addMember(
  store: RingStore,
  ringId: string,
  newMember: { readonly id: string; readonly weight?: number },
  options?: RingOperationOptions,
): Promise<RingChangeResult> {
  return changeRing(store, ringId, { kind: 'add', member: newMember }, options);
}

/**
 * Removes a member outright. Idempotent: removing an absent member changes nothing.
 *
 * @example
 * await removeMember(store, 'default', 'node-d');
 */
export function removeMember(
  store: RingStore,
  ringId: string,
  id: string,
  options?: RingOperationOptions,
): Promise<RingChangeResult> {
  return changeRing(store, ringId, { kind: 'remove', id }, options);
}

/**
 * Changes a member's weight.
 *
 * @example
 * await reweight(store, 'default', 'node-a', 2);
 */
export function reweight(
  store: RingStore,
  ringId: string,
  id: string,
  weight: number,
  options?: RingOperationOptions,
): Promise<RingChangeResult> {
  return changeRing(store, ringId, { kind: 'reweight', id, weight }, options);
}
