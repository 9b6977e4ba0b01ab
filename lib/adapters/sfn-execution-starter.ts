import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ExecutionStartFailedError, IncidentConfigError } from '../incidents/errors.js';
import type { ExecutionStarter, StartExecutionResult } from '../incidents/execution-starter.js';
import type { RecoveryInput } from '../incidents/incident.js';

export interface SfnExecutionStarterOptions {
  readonly client: SFNClient;
  /** @default process.env.RECOVERY_STATE_MACHINE_ARN */
  readonly stateMachineArn?: string;
}

/**
 * `ExecutionStarter` on Step Functions StartExecution. The execution name is the incident's, so a second start
 * of the same incident is refused by Step Functions (`ExecutionAlreadyExists`, reported as `already-exists`)
 * or, for a running standard execution with identical input, answered with the original execution.
 *
 * @example
 * const starter = new SfnExecutionStarter({ client: new SFNClient({}) }); // ARN from RECOVERY_STATE_MACHINE_ARN
 */
export class SfnExecutionStarter implements ExecutionStarter {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(options: SfnExecutionStarterOptions) {
    const arn = options.stateMachineArn ?? process.env.RECOVERY_STATE_MACHINE_ARN;
    if (!arn)
      throw new IncidentConfigError(
        'SfnExecutionStarter needs stateMachineArn or RECOVERY_STATE_MACHINE_ARN',
      );
    this.client = options.client;
    this.stateMachineArn = arn;
  }

  async start(request: {
    readonly name: string;
    readonly input: RecoveryInput;
  }): Promise<StartExecutionResult> {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: request.name,
          input: JSON.stringify(request.input),
        }),
      );
      return { kind: 'started', executionArn: out.executionArn ?? '' };
    } catch (error) {
      if (
        error instanceof ExecutionAlreadyExists ||
        (error instanceof Error && error.name === 'ExecutionAlreadyExists')
      ) {
        return { kind: 'already-exists' };
      }
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ExecutionStartFailedError(
        `StartExecution ${request.name} failed: ${message}`,
        request.input.incidentId,
        error,
      );
    }
  }
}
