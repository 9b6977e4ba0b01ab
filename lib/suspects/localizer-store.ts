import type { ScorerState } from '../localization/index.js';
import type { MinerState } from '../templates/index.js';

/** What the localizer keeps per log group between invocations. */
export interface LocalizerState {
  readonly miner: MinerState;
  readonly scorer: ScorerState;
  /** Keys of the batches already counted (most recent last), so a redelivered batch is not counted twice. */
  readonly recentBatches: readonly string[];
  /** The top suspect last published for this log group, to publish only when it changes. */
  readonly publishedRanking?: string;
}

/** A ranked suspect as stored: `id` is the source (log stream, node) the scorer ranked. */
export interface StoredSuspect {
  readonly id: string;
  readonly score: number;
  readonly evidence: unknown;
}

/**
 * Storage port for the localizer. `save` is conditioned on the version `load` returned (optimistic concurrency:
 * two invocations for one log group never lose each other's counts); `'conflict'` means re-load and re-apply.
 */
export interface LocalizerStore {
  load(logGroup: string): Promise<{ state: LocalizerState | undefined; version: number }>;
  save(logGroup: string, state: LocalizerState, expectedVersion: number): Promise<'saved' | 'conflict'>;
  /** The latest ranking for a resource, read by the recovery workflow's first step. */
  putSuspects(resourceId: string, suspects: readonly StoredSuspect[], at: string): Promise<void>;
  getSuspects(resourceId: string): Promise<{ suspects: StoredSuspect[]; at: string } | undefined>;
}
