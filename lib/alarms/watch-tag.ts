import { z } from 'zod';
import { AlarmError } from './errors.js';

/** "React only to alarms carrying this tag" (and, when given, this value). */
export interface WatchTag {
  readonly key: string;
  readonly value?: string;
}

const watchTagSchema = z.strictObject({
  key: z.string().min(1).max(128),
  value: z.string().max(256).optional(),
});

/**
 * Reads the `WATCH_ALARM_TAG` setting (JSON `{ "key": "...", "value"?: "..." }`); undefined when unset, which
 * means every alarm the EventBridge rule lets through is watched.
 *
 * @example
 * parseWatchTag('{"key":"faultline","value":"on"}'); // { key: 'faultline', value: 'on' }
 */
export function parseWatchTag(json: string | undefined): WatchTag | undefined {
  if (!json) return undefined;
  const parsed = watchTagSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new WatchTagConfigError(`WATCH_ALARM_TAG is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** Whether an alarm with these tags is watched. */
export function carriesWatchTag(tags: Readonly<Record<string, string>>, watch: WatchTag): boolean {
  if (!(watch.key in tags)) return false;
  return watch.value === undefined || tags[watch.key] === watch.value;
}

export class WatchTagConfigError extends AlarmError {
  override readonly name = 'WatchTagConfigError';
}
