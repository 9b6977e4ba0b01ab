import type { RecoveryInput } from './incident.js';

export type StartExecutionResult =
  | { readonly kind: 'started'; readonly executionArn: string }
  /** An execution with this name exists (Step Functions keeps names for 90 days): it was started before. */
  | { readonly kind: 'already-exists' };

/**
 * Port for starting the recovery workflow (Step Functions StartExecution). Failures other than "already
 * exists" throw `ExecutionStartFailedError`.
 */
export interface ExecutionStarter {
  start(request: { readonly name: string; readonly input: RecoveryInput }): Promise<StartExecutionResult>;
}
