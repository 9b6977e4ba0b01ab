/**
 * Runbook errors. Their `name`s are API: the recovery workflow's Retry matches `TransientRunbookError`, its Catch
 * routes everything else to the next runbook or to escalation. Keep the names stable.
 */

/** Base class of every error raised by a runbook step, plan or rules parser. */
export class RunbookError extends Error {
  override name = 'RunbookError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A step could not do its job and retrying the same call will not help (bad target state, access denied, an
 * invalid parameter). The workflow moves on to the plan's next runbook.
 */
export class RunbookStepFailedError extends RunbookError {
  override name = 'RunbookStepFailedError';
  /** The AWS error code or a Faultline reason, e.g. `AccessDeniedException`, `InstanceNotRunning`. */
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The target a step acts on does not exist (e.g. an ECS service, an EC2 instance, a Lambda alias). */
export class RunbookTargetNotFoundError extends RunbookStepFailedError {
  override name = 'RunbookTargetNotFoundError';
}

/**
 * Throttling, a 5xx, a network timeout or an optimistic-concurrency conflict. Every step is idempotent, so the
 * workflow retries the whole step with backoff — even when a timed-out call may already have been applied.
 */
export class TransientRunbookError extends RunbookError {
  override name = 'TransientRunbookError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The fence refused: the lease token this step carries is no longer current. Raised by {@link fenceFromCheck};
 * a fence supplied by the lease module may raise its own error (e.g. `LeaseLostError`), which steps let through
 * unchanged. Either way the step made no change.
 */
export class RunbookFenceLostError extends RunbookError {
  override name = 'RunbookFenceLostError';
}

/** Step parameters failed validation (after template resolution). */
export class InvalidStepParamsError extends RunbookError {
  override name = 'InvalidStepParamsError';
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[]) {
    super(`${message}: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

/** The runbook rules configuration (CDK props, JSON) is invalid. `issues` lists each problem with its path. */
export class InvalidRunbookRulesError extends RunbookError {
  override name = 'InvalidRunbookRulesError';
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid runbook rules:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/** A step needs an adapter (port) that the caller did not supply, e.g. `ecs` for `ecs.forceNewDeployment`. */
export class MissingRunbookPortError extends RunbookError {
  override name = 'MissingRunbookPortError';
}

/** `undoStep` was asked to undo a step that has no undo, or was given undo data it cannot use. */
export class UndoNotSupportedError extends RunbookError {
  override name = 'UndoNotSupportedError';
}
