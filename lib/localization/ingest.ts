import type { TemplateMiner } from '../templates/index.js';
import type { AnomalyScorer } from './scorer.js';
import { decodeSubscription, isControlMessage, type LogEvent, type LogsPayload } from './subscription.js';

export interface IngestResult {
  /** True for a CONTROL_MESSAGE (reachability check): nothing was mined or counted. */
  readonly skipped: boolean;
  readonly logGroup: string;
  readonly logStream: string;
  /** Log events mined and counted. */
  readonly events: number;
  /** Templates this batch created. */
  readonly newTemplates: number;
  /** Events `accept` turned away. */
  readonly dropped: number;
}

export interface IngestOptions {
  /**
   * The source a line is scored under. @default the log stream (one instance, task or function container)
   */
  readonly sourceOf?: (payload: LogsPayload, event: LogEvent) => string;
  /**
   * Which events to mine and count; the rest are counted as `dropped`. The Lambda drops events stamped far in
   * the future, which would otherwise close the scorer's window early. @default every event
   */
  readonly accept?: (event: LogEvent) => boolean;
}

/**
 * Decodes one subscription delivery, mines every line and counts it for scoring. Decoding is all or nothing, so
 * a malformed delivery changes neither the miner nor the scorer.
 *
 * @throws MalformedLogsPayloadError when the delivery does not decode.
 * @example
 * ```ts
 * const miner = TemplateMiner.fromState(saved.miner);
 * const scorer = AnomalyScorer.fromState(saved.scorer);
 * const result = ingestSubscription(event, miner, scorer);
 * const suspects = scorer.suspects();
 * ```
 */
export function ingestSubscription(
  event: unknown,
  miner: TemplateMiner,
  scorer: AnomalyScorer,
  options: IngestOptions = {},
): IngestResult {
  const payload = decodeSubscription(event);
  const base = { logGroup: payload.logGroup, logStream: payload.logStream };
  if (isControlMessage(payload)) return { ...base, skipped: true, events: 0, newTemplates: 0, dropped: 0 };
  const sourceOf = options.sourceOf ?? ((p: LogsPayload) => p.logStream);
  let newTemplates = 0;
  let dropped = 0;
  for (const e of payload.logEvents) {
    if (options.accept && !options.accept(e)) {
      dropped++;
      continue;
    }
    const assignment = miner.add(e.message);
    if (assignment.isNew) newTemplates++;
    scorer.observe({
      source: sourceOf(payload, e),
      timestamp: e.timestamp,
      template: assignment.template,
      templateId: assignment.clusterId,
      message: e.message,
    });
  }
  return { ...base, skipped: false, events: payload.logEvents.length - dropped, newTemplates, dropped };
}
