import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * What the coordination adapters need of a DynamoDB client: `send`. A real `DynamoDBClient` fits, and so does a
 * wrapper that counts requests or injects faults (lib/testing).
 */
export type DynamoDbSender = Pick<DynamoDBClient, 'send'>;

/** How an SDK error bears on whether the request was applied. */
export type ErrorClass = 'conditional' | 'canceled' | 'throttled' | 'fatal' | 'ambiguous';

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  // A transaction conflict is rejected before anything is written.
  'TransactionConflictException',
]);

const FATAL = new Set([
  'ValidationException',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'IdempotentParameterMismatchException',
  'ItemCollectionSizeLimitExceededException',
]);

/**
 * Classifies an SDK error. Anything unrecognised — timeouts, socket errors, 5xx — is ambiguous: the request may
 * have been applied, and only a strongly consistent read can tell.
 */
export function classify(error: unknown): ErrorClass {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ConditionalCheckFailedException') return 'conditional';
  if (name === 'TransactionCanceledException') return 'canceled';
  if (THROTTLED.has(name)) return 'throttled';
  if (FATAL.has(name)) return 'fatal';
  return 'ambiguous';
}

/** ALL_OLD item returned with a ConditionalCheckFailedException, if any. */
export function conditionalItem(error: unknown): Record<string, AttributeValue> | undefined {
  return (error as { Item?: Record<string, AttributeValue> }).Item;
}

/** Cancellation reasons of a TransactionCanceledException. */
export function cancellationReasons(
  error: unknown,
): readonly { Code?: string; Item?: Record<string, AttributeValue> }[] {
  return (
    (error as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] })
      .CancellationReasons ?? []
  );
}

/** Plain JSON-like data → AttributeValue. */
export function toAttribute(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store non-finite number ${value}`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') {
    return {
      M: Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toAttribute(v)]),
      ),
    };
  }
  throw new TypeError(`cannot store a ${typeof value}`);
}

/** AttributeValue → plain data (the inverse of `toAttribute`). */
export function fromAttribute(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) {
    return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, fromAttribute(v)]));
  }
  throw new TypeError(`unsupported attribute value ${JSON.stringify(value)}`);
}

export const str = (item: Record<string, AttributeValue> | undefined, name: string): string | undefined =>
  item?.[name]?.S;

export const num = (item: Record<string, AttributeValue> | undefined, name: string): number | undefined => {
  const n = item?.[name]?.N;
  return n === undefined ? undefined : Number(n);
};
