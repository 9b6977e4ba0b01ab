import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { MalformedLogsPayloadError } from './errors.js';

/** The event a CloudWatch Logs subscription delivers to Lambda. */
export const logsSubscriptionEventSchema = z.object({
  awslogs: z.object({ data: z.string().min(1) }),
});

/**
 * One log event. `id` stays a string: it is a ~56-digit number that does not survive `Number` (and is the
 * event's identity for deduplication).
 */
export const logEventSchema = z.object({
  id: z.string(),
  timestamp: z.number().int().nonnegative(),
  message: z.string(),
});

/**
 * The decoded payload (base64 → gunzip → JSON), as documented for CloudWatch Logs subscription filters.
 * `CONTROL_MESSAGE` payloads are sent when the subscription is created to check reachability; they carry one
 * informational event and no log data. Unknown extra fields are tolerated.
 */
export const logsPayloadSchema = z.object({
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()),
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logEvents: z.array(logEventSchema),
  policyLevel: z.string().optional(),
});

export type LogsSubscriptionEvent = z.infer<typeof logsSubscriptionEventSchema>;
export type LogEvent = z.infer<typeof logEventSchema>;
export type LogsPayload = z.infer<typeof logsPayloadSchema>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a CloudWatch Logs subscription event into its validated payload. All or nothing: any defect throws.
 *
 * @throws MalformedLogsPayloadError when the event is not `{ awslogs: { data } }`, `data` is not base64 of
 *   gzip, the JSON does not parse, or the payload does not have the documented shape.
 * @example
 * ```ts
 * const payload = decodeSubscription(event);
 * if (isControlMessage(payload)) return; // reachability check, no log data
 * for (const e of payload.logEvents) miner.add(e.message);
 * ```
 */
export function decodeSubscription(event: unknown): LogsPayload {
  const envelope = logsSubscriptionEventSchema.safeParse(event);
  if (!envelope.success) {
    throw new MalformedLogsPayloadError(
      `not a CloudWatch Logs subscription event: ${envelope.error.message}`,
    );
  }
  const data = envelope.data.awslogs.data.replace(/\s+/g, '');
  // Buffer.from(…, 'base64') silently skips junk; check the alphabet so garbage is an error, not empty bytes.
  if (!BASE64.test(data) || data.length % 4 === 1) {
    throw new MalformedLogsPayloadError('awslogs.data is not base64');
  }
  let json: string;
  try {
    json = gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  } catch (error) {
    throw new MalformedLogsPayloadError(`awslogs.data is not gzip: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new MalformedLogsPayloadError(`awslogs.data is not JSON: ${(error as Error).message}`);
  }
  const payload = logsPayloadSchema.safeParse(parsed);
  if (!payload.success) {
    throw new MalformedLogsPayloadError(`logs payload has the wrong shape: ${payload.error.message}`);
  }
  return payload.data;
}

/**
 * Whether a decoded payload is the reachability check CloudWatch Logs sends when a subscription is created.
 *
 * @example
 * ```ts
 * if (isControlMessage(decodeSubscription(event))) return { skipped: true };
 * ```
 */
export function isControlMessage(payload: LogsPayload): boolean {
  return payload.messageType === 'CONTROL_MESSAGE';
}

/**
 * Builds a subscription event from a payload (gzip + base64), the inverse of {@link decodeSubscription}. Used
 * by the drill and tests to deliver log batches exactly as CloudWatch Logs does.
 *
 * @example
 * ```ts
 * const event = encodeSubscription({ owner: '123456789012', logGroup: '/app', logStream: 'i-1',
 *   subscriptionFilters: ['faultline'], messageType: 'DATA_MESSAGE', logEvents: [] });
 * ```
 */
export function encodeSubscription(payload: LogsPayload): LogsSubscriptionEvent {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64') } };
}
