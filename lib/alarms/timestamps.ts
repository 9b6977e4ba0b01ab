/**
 * CloudWatch writes alarm timestamps as `2019-10-02T17:04:40.989+0000` (offset without a colon), EventBridge
 * envelopes as `2019-10-02T17:04:40Z`. We accept ISO-8601 with `Z`, `+hh:mm` or `+hhmm` and nothing looser:
 * `Date.parse` would also take locale formats, and a misread time would break out-of-order detection.
 */
const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch milliseconds of a CloudWatch timestamp, or `undefined` when it is not one.
 *
 * @example
 * parseAlarmTimestamp('2019-10-02T17:04:40.989+0000'); // 1570035880989
 */
export function parseAlarmTimestamp(text: string): number | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, local = '', zone = ''] = match;
  // Keep milliseconds only: sub-millisecond digits would not survive a JS Date anyway.
  const trimmed = local.replace(/(\.\d{3})\d+$/, '$1');
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${trimmed}${offset}`);
  return Number.isFinite(ms) ? ms : undefined;
}
