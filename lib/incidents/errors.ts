/**
 * Incident errors. Every `name` is API: the recovery state machine's Retry/Catch clauses match on it, so never
 * rename one. Expected outcomes of intake (duplicate, suppressed, stale) are results, not errors.
 */
export class IncidentError extends Error {
  override name = 'IncidentError';
}

/** No incident with this id. */
export class IncidentNotFoundError extends IncidentError {
  override name = 'IncidentNotFoundError';
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} does not exist`);
  }
}

/** `transition` found the incident in a status other than the ones the caller expected. */
export class IncidentStatusConflictError extends IncidentError {
  override name = 'IncidentStatusConflictError';
  constructor(
    readonly incidentId: string,
    readonly expected: readonly string[],
    readonly actual: string,
  ) {
    super(`incident ${incidentId} is ${actual}, expected one of ${expected.join(', ')}`);
  }
}

/** The requested transition is not in the status graph (it would regress or reopen an incident). */
export class InvalidIncidentTransitionError extends IncidentError {
  override name = 'InvalidIncidentTransitionError';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`incident status cannot go from ${from} to ${to}`);
  }
}

/** Conditional writes kept losing to concurrent writers; nothing partial was applied. Safe to retry. */
export class IncidentWriteConflictError extends IncidentError {
  override name = 'IncidentWriteConflictError';
}

/** StartExecution failed for a reason other than "already exists". The incident is kept; a redelivery retries. */
export class ExecutionStartFailedError extends IncidentError {
  override name = 'ExecutionStartFailedError';
  constructor(
    message: string,
    readonly incidentId: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Intake configuration (environment or constructor options) is invalid; says which setting and why. */
export class IncidentConfigError extends IncidentError {
  override name = 'IncidentConfigError';
}

/** The incident store failed for a reason other than a failed condition (throttling, network, permissions). */
export class IncidentStoreError extends IncidentError {
  override name = 'IncidentStoreError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
