/**
 * Ring errors. `name` is API: Step Functions Retry/Catch states match on it, so never rename one.
 */
export class RingError extends Error {
  override name = 'RingError';
}

/** A member id, weight or state that the ring cannot hold. */
export class InvalidMemberError extends RingError {
  override name = 'InvalidMemberError';
}

/** The ring item does not exist (create it first, or `addMember`, which creates it). */
export class RingNotFoundError extends RingError {
  override name = 'RingNotFoundError';
  constructor(readonly ringId: string) {
    super(`ring '${ringId}' does not exist`);
  }
}

/** `createRing` found an existing ring. */
export class RingExistsError extends RingError {
  override name = 'RingExistsError';
  constructor(readonly ringId: string) {
    super(`ring '${ringId}' already exists`);
  }
}

/** The operation names a member the ring does not have. */
export class MemberNotFoundError extends RingError {
  override name = 'MemberNotFoundError';
  constructor(readonly memberId: string) {
    super(`member '${memberId}' is not in the ring`);
  }
}

/** `addMember` found the id already present with a different weight (use `reweight`). */
export class MemberExistsError extends RingError {
  override name = 'MemberExistsError';
  constructor(readonly memberId: string) {
    super(`member '${memberId}' is already in the ring with another weight`);
  }
}

/** Lookup on a ring with no member in state `up`. */
export class NoAvailableMemberError extends RingError {
  override name = 'NoAvailableMemberError';
  constructor() {
    super('the ring has no member in state up');
  }
}

/**
 * A fenced write carried a lease token lower than one the ring has already seen for that resource: the caller
 * lost its lease to a newer holder and must not change the ring.
 */
export class StaleFencingTokenError extends RingError {
  override name = 'StaleFencingTokenError';
  constructor(
    readonly resource: string,
    readonly token: number,
    readonly highestSeen: number,
  ) {
    super(`fencing token ${token} for '${resource}' is stale: the ring has seen ${highestSeen}`);
  }
}

/** Optimistic concurrency kept losing: every attempt found a newer version. Retry later. */
export class RingContentionError extends RingError {
  override name = 'RingContentionError';
  constructor(
    readonly ringId: string,
    readonly attempts: number,
  ) {
    super(`ring '${ringId}' changed under us on each of ${attempts} attempts`);
  }
}

/** The ring item would outgrow what one DynamoDB item may hold. */
export class RingTooLargeError extends RingError {
  override name = 'RingTooLargeError';
}
