/**
 * Lease errors. Every `name` is API: the recovery state machine's Retry/Catch clauses match on it, so never
 * rename one. Contention is not an error (`acquire` returns `{ kind: 'held' }`).
 */
export class LeasesError extends Error {
  override name = 'LeasesError';
}

/** The caller no longer holds the lease: it expired on the holder's own clock, or a newer incarnation exists. */
export class LeaseLostError extends LeasesError {
  override name = 'LeaseLostError';
  constructor(
    message: string,
    readonly resource: string,
    readonly reason: 'expired' | 'superseded' | 'released',
  ) {
    super(message);
  }
}

/**
 * A request timed out or failed ambiguously and the follow-up strongly consistent read failed too: whether the
 * write landed is unknown. Retry later; an unknown acquisition is never assumed to be held.
 */
export class LeaseUnknownError extends LeasesError {
  override name = 'LeaseUnknownError';
  constructor(
    message: string,
    readonly resource: string,
    /** The nonce of the write whose outcome is unknown: pass it back as `acquire(..., { nonce })` to adopt it. */
    readonly nonce?: string,
  ) {
    super(message);
  }
}

/** DynamoDB refused the request for capacity (it was not applied). Safe to retry with backoff. */
export class ThrottledError extends LeasesError {
  override name = 'ThrottledError';
}

/**
 * A fenced write was refused because the guarded item has already accepted a newer fencing token. The ring module
 * uses the same name for its own fenced writes.
 */
export class StaleFencingTokenError extends LeasesError {
  override name = 'StaleFencingTokenError';
  constructor(
    message: string,
    readonly token: number,
    readonly seenToken: number | undefined,
  ) {
    super(message);
  }
}

/** A fenced write's own condition (not the fence) failed. */
export class FencedConditionFailedError extends LeasesError {
  override name = 'FencedConditionFailedError';
}
