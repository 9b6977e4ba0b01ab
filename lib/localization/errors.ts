/** Base class of every error raised by localization (subscription decoding, anomaly scoring). */
export class LocalizationError extends Error {
  override name = 'LocalizationError';
}

/**
 * A CloudWatch Logs subscription payload could not be decoded: not `{ awslogs: { data } }`, not base64, not
 * gzip, not JSON, or not the documented shape. Nothing of it was processed.
 */
export class MalformedLogsPayloadError extends LocalizationError {
  override name = 'MalformedLogsPayloadError';
}

/** A persisted scorer state failed validation. */
export class InvalidScorerStateError extends LocalizationError {
  override name = 'InvalidScorerStateError';
}
