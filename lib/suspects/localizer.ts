import { createHash } from 'node:crypto';
import type { IncidentStore } from '../incidents/index.js';
import {
  AnomalyScorer,
  decodeSubscription,
  ingestSubscription,
  isControlMessage,
} from '../localization/index.js';
import { TemplateMiner } from '../templates/index.js';
import type { LocalizerState, LocalizerStore, StoredSuspect } from './localizer-store.js';

/** Batches remembered for deduplication: well beyond Lambda's async retry window for one log group. */
const REMEMBERED_BATCHES = 256;
const MAX_SAVE_ATTEMPTS = 8;
/** Events stamped further ahead of this Lambda's clock are dropped: one would close the scoring window early. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface LocalizeDeps {
  readonly store: LocalizerStore;
  readonly incidents: Pick<IncidentStore, 'findOpen' | 'attachSuspects'>;
  /** Log group → resource id (from the stack's configuration); unmapped groups speak for `logGroup:<name>`. */
  readonly resourceFor: (logGroup: string) => string;
  readonly now: () => Date;
}

export type LocalizeOutcome =
  | { readonly kind: 'control' }
  | { readonly kind: 'duplicate'; readonly batch: string }
  | {
      readonly kind: 'ranked';
      readonly batch: string;
      readonly resourceId: string;
      readonly events: number;
      /** Events stamped too far in the future to count. */
      readonly dropped: number;
      readonly suspects: readonly StoredSuspect[];
      /** The open incident the ranking was attached to, if there was one. */
      readonly incidentId?: string;
    };

/**
 * Handles one CloudWatch Logs subscription delivery: mines and counts its lines on top of what this log group's
 * earlier deliveries taught (state in DynamoDB, so a cold Lambda resumes), ranks the suspects, stores the ranking
 * for the resource and attaches it to the resource's open incident. A redelivered batch changes nothing.
 *
 * @throws MalformedLogsPayloadError before anything is written when the delivery does not decode.
 */
export async function localizeBatch(event: unknown, deps: LocalizeDeps): Promise<LocalizeOutcome> {
  const payload = decodeSubscription(event);
  if (isControlMessage(payload)) return { kind: 'control' };
  const batch = batchKey(
    payload.logGroup,
    payload.logStream,
    payload.logEvents.map((e) => e.id),
  );
  for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt += 1) {
    const { state, version } = await deps.store.load(payload.logGroup);
    if (state?.recentBatches.includes(batch)) return { kind: 'duplicate', batch };
    const miner = state ? TemplateMiner.fromState(state.miner) : new TemplateMiner();
    const scorer = state ? AnomalyScorer.fromState(state.scorer) : new AnomalyScorer();
    const latest = deps.now().getTime() + MAX_FUTURE_SKEW_MS;
    const ingested = ingestSubscription(event, miner, scorer, { accept: (e) => e.timestamp <= latest });
    const suspects: StoredSuspect[] = scorer
      .suspects({ limit: 5 })
      .map((s) => ({ id: s.source, score: s.score, evidence: s.evidence }));
    // Publishing costs three to four requests, so it happens when the top suspect changes: the order below it
    // shifts with every window's noise, and what the recovery acts on is the top one.
    const ranking = suspects[0]?.id ?? '';
    const publish = suspects.length > 0 && ranking !== state?.publishedRanking;
    const next: LocalizerState = {
      miner: miner.toState(),
      scorer: scorer.toState(),
      recentBatches: [...(state?.recentBatches ?? []), batch].slice(-REMEMBERED_BATCHES),
      ...(publish || state?.publishedRanking
        ? { publishedRanking: publish ? ranking : state?.publishedRanking }
        : {}),
    };
    const resourceId = deps.resourceFor(payload.logGroup);
    // Stamped with log time (the newest event), so rankings compare with the alarm's own timestamps.
    const newest = Math.max(...payload.logEvents.map((e) => e.timestamp), 0);
    const at = new Date(newest > 0 ? newest : deps.now().getTime()).toISOString();
    // Publish before saving: a crash in between republishes on redelivery (the writes are idempotent), whereas
    // the other order could record a ranking as published that never was.
    let open: { incidentId: string } | undefined;
    if (publish) {
      await deps.store.putSuspects(resourceId, suspects, at);
      open = await deps.incidents.findOpen(resourceId);
      if (open) await deps.incidents.attachSuspects(open.incidentId, suspects, at);
    }
    if ((await deps.store.save(payload.logGroup, next, version)) === 'conflict') continue;
    return {
      kind: 'ranked',
      batch,
      resourceId,
      events: ingested.events,
      dropped: ingested.dropped,
      suspects,
      ...(open ? { incidentId: open.incidentId } : {}),
    };
  }
  throw new LocalizerContentionError(payload.logGroup);
}

export class LocalizerContentionError extends Error {
  override readonly name = 'LocalizerContentionError';
  constructor(logGroup: string) {
    super(
      `Could not save the localizer state of ${logGroup} after ${MAX_SAVE_ATTEMPTS} attempts (contention)`,
    );
  }
}

/** Identifies a delivery by its contents: CloudWatch Logs event ids are unique per log group. */
export function batchKey(logGroup: string, logStream: string, eventIds: readonly string[]): string {
  return createHash('sha256')
    .update(`${logGroup}\n${logStream}\n${eventIds.join(',')}`)
    .digest('base64url')
    .slice(0, 22);
}

/** Parses the stack's log group → resource mapping; unmapped groups speak for themselves. */
export function resourceMapping(json: string | undefined): (logGroup: string) => string {
  const mapping = json ? (JSON.parse(json) as Record<string, string>) : {};
  return (logGroup) => mapping[logGroup] ?? `logGroup:${logGroup}`;
}
