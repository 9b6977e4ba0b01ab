/**
 * Ballot errors. Every `name` is API (Step Functions Retry/Catch match on it). Losing a ballot is not an error:
 * the loser adopts the decided plan.
 */
export class BallotsError extends Error {
  override name = 'BallotsError';
}

/** No quorum of acceptors answered within the attempt budget (acceptors down, throttled, or endless duelling). */
export class NoQuorumError extends BallotsError {
  override name = 'NoQuorumError';
}

/** The single-acceptor register refused for capacity (not applied). Same name as the lease module's. */
export class ThrottledError extends BallotsError {
  override name = 'ThrottledError';
}

/** A write may or may not have applied and the resolving read failed. Retrying `decide` is always safe. */
export class DecisionUnknownError extends BallotsError {
  override name = 'DecisionUnknownError';
}
