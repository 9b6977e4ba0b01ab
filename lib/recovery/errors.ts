/** Base class for the recovery workflow's own errors; `name` is what Step Functions Catch matches. */
export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

/** The incident must not be auto-remediated (cooldown, maintenance, suppressed): escalate it instead. */
export class RemediationNotAllowedError extends RecoveryError {
  override name = 'RemediationNotAllowedError';
}

/** No runbook rule matches the incident: a person has to decide. */
export class NoRunbookError extends RecoveryError {
  override name = 'NoRunbookError';
}

/** The workflow state lacks something an earlier step should have put there. */
export class InvalidWorkflowStateError extends RecoveryError {
  override name = 'InvalidWorkflowStateError';
}

/** A person chose a runbook (escalation decision `runbook`) that is not in the incident's plan. */
export class UnknownRunbookError extends RecoveryError {
  override name = 'UnknownRunbookError';
}
