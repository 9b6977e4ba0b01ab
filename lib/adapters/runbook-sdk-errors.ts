import {
  RunbookStepFailedError,
  RunbookTargetNotFoundError,
  TransientRunbookError,
} from '../runbooks/errors.js';

/**
 * Translates an AWS SDK v3 error into a runbook error at the adapter boundary, so nothing above the adapters
 * knows SDK error classes. Throttling, 5xx, timeouts and optimistic-concurrency conflicts are transient (every
 * step is idempotent, so retrying even an ambiguous timeout is safe); "not found" codes become
 * `RunbookTargetNotFoundError`; everything else fails the step.
 */
const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServerException',
  'ServiceException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ResourceContention',
  'ResourceContentionFault',
  'ResourceConflictException',
  'PreconditionFailedException',
  'IncorrectInstanceState',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
  'ClusterNotFoundException',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function translateSdkError(error: unknown, operation: string): never {
  const e = (error ?? {}) as SdkLikeError;
  const code =
    typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = `${operation} failed: ${code}${typeof e.message === 'string' && e.message ? `: ${e.message}` : ''}`;
  if (TRANSIENT.has(code) || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    throw new TransientRunbookError(message, code, { cause: error });
  }
  if (NOT_FOUND.has(code)) throw new RunbookTargetNotFoundError(message, code, { cause: error });
  throw new RunbookStepFailedError(message, code, { cause: error });
}

/** Runs one SDK call, translating its errors. */
export async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    translateSdkError(error, operation);
  }
}
