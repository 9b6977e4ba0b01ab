import { RingNotFoundError } from './errors.js';
import { HashRing, type RingOptions } from './ring.js';
import type { RingStore } from './ring-store.js';

/** A built ring and the stored version it was built from. */
export interface LoadedRing {
  readonly ringId: string;
  readonly version: number;
  readonly ring: HashRing;
  /** Same as `ring.lookup`. */
  lookup(key: string): string;
  /** Same as `ring.preferenceList`. */
  preferenceList(key: string, n: number): string[];
}

export interface GetRingOptions extends RingOptions {
  /** How long a cached ring is used without asking the store. @default 5000 */
  readonly maxAgeMs?: number;
  /** Monotonic milliseconds. @default performance.now */
  readonly now?: () => number;
}

interface Entry {
  loaded: LoadedRing;
  checkedAt: number;
  vnodes: number | undefined;
}

// Module scope on purpose: a Lambda container keeps its built ring across invocations.
let cache = new WeakMap<RingStore, Map<string, Entry>>();
let inflight = new WeakMap<RingStore, Map<string, Promise<LoadedRing>>>();

function loadedRing(ringId: string, version: number, ring: HashRing): LoadedRing {
  return {
    ringId,
    version,
    ring,
    lookup: (key) => ring.lookup(key),
    preferenceList: (key, n) => ring.preferenceList(key, n),
  };
}

/**
 * The ring for `ringId`, built once per process and revalidated at most every `maxAgeMs` with one cheap read
 * of the version; rebuilt only when the version moved. Reads only: every write goes through `changeRing`,
 * which re-reads and conditions on the version, so a stale cache can never write.
 *
 * @example
 * const store = new DynamoDbRingStore({ client, tableName: process.env.RING_TABLE ?? '' }); // module scope
 * // in the handler:
 * const ring = await getRing(store, 'default');
 * const owner = ring.lookup('tenant-42');
 */
export async function getRing(
  store: RingStore,
  ringId: string,
  options: GetRingOptions = {},
): Promise<LoadedRing> {
  const now = options.now ?? (() => performance.now());
  const maxAgeMs = options.maxAgeMs ?? 5000;
  let rings = cache.get(store);
  if (!rings) {
    rings = new Map();
    cache.set(store, rings);
  }
  const entry = rings.get(ringId);
  if (entry && entry.vnodes === options.vnodes && now() - entry.checkedAt < maxAgeMs) return entry.loaded;

  // Concurrent invocations in one process share one refresh instead of each reading the store.
  let pending = inflight.get(store);
  if (!pending) {
    pending = new Map();
    inflight.set(store, pending);
  }
  const running = pending.get(ringId);
  if (running) return running;
  const refresh = (async () => {
    const sameOptions = entry !== undefined && entry.vnodes === options.vnodes;
    if (sameOptions) {
      const version = await store.readVersion(ringId);
      if (version === entry.loaded.version) {
        entry.checkedAt = now();
        return entry.loaded;
      }
    }
    const record = await store.read(ringId);
    if (!record) {
      rings.delete(ringId);
      throw new RingNotFoundError(ringId);
    }
    const loaded = loadedRing(ringId, record.version, HashRing.build(record.members, options));
    rings.set(ringId, { loaded, checkedAt: now(), vnodes: options.vnodes });
    return loaded;
  })();
  pending.set(ringId, refresh);
  try {
    return await refresh;
  } finally {
    pending.delete(ringId);
  }
}

/** Forgets every cached ring (tests; a process that switches tables). */
export function clearRingCache(): void {
  cache = new WeakMap();
  inflight = new WeakMap();
}
