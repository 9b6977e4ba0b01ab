import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface RecoveryWorkflowProps {
  /** Incident bookkeeping: begin, resolve, mark escalated. */
  readonly recordFunction: lambda.IFunction;
  /** Leases, blast-radius slots and the plan ballot. */
  readonly coordinateFunction: lambda.IFunction;
  /** Runbook steps, fenced by the lease token. */
  readonly runbookFunction: lambda.IFunction;
  /** Re-checks the alarm or metric. */
  readonly verifyFunction: lambda.IFunction;
  readonly notificationsQueue: sqs.IQueue;
  readonly escalationsQueue: sqs.IQueue;
  /** How long a person has to answer an escalation. @default Duration.hours(24) */
  readonly escalationTimeout?: Duration;
  /** Whole-execution limit. @default Duration.hours(48) */
  readonly timeout?: Duration;
}

/** Error names thrown by lib/ that are worth retrying in place (the rest go to escalation). */
export const TRANSIENT_ERRORS = ['ThrottledError', 'TransientRunbookError', 'LeaseUnknownError'];
/** Error names that mean this execution no longer owns the resource. */
export const FENCING_ERRORS = ['LeaseLostError', 'StaleFencingTokenError', 'RunbookFenceLostError'];
/**
 * Error names of a runbook step that failed for good: the runbook did not work, so the plan's next runbook runs
 * (each name is listed, since Catch matches names exactly, not subclasses). Anything else escalates.
 */
export const RUNBOOK_FAILED_ERRORS = ['RunbookStepFailedError', 'RunbookTargetNotFoundError'];

/**
 * The recovery state machine. It routes; lib/ decides: every Choice reads a field a Lambda computed.
 * JSONPath only — the local executor has no JSONata and no Assign — and state names are part of the contract
 * (the drill reports them as `steps`).
 *
 * Begin → Acquire ⟲ WaitForLease → DecidePlan → RunStep ⟲ → Verify ⟲ WaitToVerify → Resolve → Release → Notify
 *   verify failed or a step failed (RUNBOOK_FAILED_ERRORS) → NextRunbook → RunStep … or, when no runbook is
 *   left / anything else fails: ReleaseForEscalation → Escalate (SQS + task token) → retry | runbook (Acquire)
 *   | close (MarkEscalated)
 *   Acquire finds the incident already resolved (a second execution for the resource) → Joined
 *
 * Resolve runs before Release, under the lease: an execution waiting for the same resource then finds the
 * incident resolved when it gets the lease, and joins instead of running the runbooks a second time.
 */
export class RecoveryWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RecoveryWorkflowProps) {
    super(scope, id);

    const invoke = (name: string, fn: lambda.IFunction, action: string, resultPath: string | undefined) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          action,
          'state.$': '$',
          'executionName.$': '$$.Execution.Name',
        }),
        resultPath: resultPath ?? sfn.JsonPath.DISCARD,
        retryOnServiceExceptions: true,
      });
      task.addRetry({
        errors: TRANSIENT_ERRORS,
        interval: Duration.seconds(1),
        backoffRate: 2,
        maxAttempts: 4,
        jitterStrategy: sfn.JitterType.FULL,
      });
      return task;
    };

    const escalationFailed = new sfn.Fail(this, 'EscalationFailed', {
      stateName: 'EscalationFailed',
      error: 'EscalationFailed',
      cause: 'Could not record the escalation',
    });
    const markEscalated = invoke('MarkEscalated', props.recordFunction, 'markEscalated', '$.closed').next(
      new sfn.Succeed(this, 'Escalated', { stateName: 'Escalated' }),
    );
    (markEscalated.startState as tasks.LambdaInvoke).addCatch(escalationFailed, { resultPath: '$.error' });

    const escalate = new tasks.SqsSendMessage(this, 'Escalate', {
      stateName: 'Escalate',
      queue: props.escalationsQueue,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      messageBody: sfn.TaskInput.fromObject({
        kind: 'escalation',
        taskToken: sfn.JsonPath.taskToken,
        'executionName.$': '$$.Execution.Name',
        'incidentId.$': '$.incidentId',
        'resourceId.$': '$.resourceId',
        'alarmName.$': '$.alarmName',
        'error.$': '$.error',
        options: ['retry', 'runbook', 'close'],
      }),
      taskTimeout: sfn.Timeout.duration(props.escalationTimeout ?? Duration.hours(24)),
      resultPath: '$.decision',
    });
    escalate.addCatch(markEscalated, {
      errors: ['States.Timeout', 'States.HeartbeatTimeout'],
      resultPath: '$.error',
    });
    escalate.addCatch(markEscalated, { errors: ['States.ALL'], resultPath: '$.error' });

    const releaseForEscalation = invoke(
      'ReleaseForEscalation',
      props.coordinateFunction,
      'releaseForEscalation',
      '$.released',
    );
    // Escalation must happen even if the release fails: the lease then expires on its own.
    releaseForEscalation.addCatch(escalate, { resultPath: '$.releaseError' });
    releaseForEscalation.next(escalate);
    // Paths to escalation that are not a caught error still say why: the message and the timeline read $.error
    // (and a JSONPath to a missing field would fail the execution instead of escalating it).
    const reason = (name: string, error: string, cause: string) =>
      new sfn.Pass(this, name, {
        stateName: name,
        result: sfn.Result.fromObject({ Error: error, Cause: cause }),
        resultPath: '$.error',
      }).next(releaseForEscalation);
    const runbooksExhausted = reason(
      'RunbooksExhausted',
      'RunbooksExhausted',
      'Every runbook of the plan ran and the alarm did not recover',
    );
    const leaseNotAcquired = reason(
      'LeaseNotAcquired',
      'LeaseNotAcquired',
      'Gave up waiting for the resource lease or a blast-radius slot',
    );

    const acquire = invoke('Acquire', props.coordinateFunction, 'acquire', '$.lease');
    const waitForLease = new sfn.Wait(this, 'WaitForLease', {
      stateName: 'WaitForLease',
      time: sfn.WaitTime.secondsPath('$.lease.waitSeconds'),
    }).next(acquire);
    const decidePlan = invoke('DecidePlan', props.coordinateFunction, 'decide', '$.plan');
    const runStep = invoke('RunStep', props.runbookFunction, 'runStep', '$.cursor');
    const verify = invoke('Verify', props.verifyFunction, 'verify', '$.verify');
    const waitToVerify = new sfn.Wait(this, 'WaitToVerify', {
      stateName: 'WaitToVerify',
      time: sfn.WaitTime.secondsPath('$.verify.waitSeconds'),
    }).next(verify);
    const nextRunbook = invoke('NextRunbook', props.runbookFunction, 'nextRunbook', '$.cursor');
    const release = invoke('Release', props.coordinateFunction, 'release', '$.released');
    const resolve = invoke('Resolve', props.recordFunction, 'resolve', '$.resolved');
    const joined = new sfn.Succeed(this, 'Joined', { stateName: 'Joined' });
    const notify = new tasks.SqsSendMessage(this, 'Notify', {
      stateName: 'Notify',
      queue: props.notificationsQueue,
      messageBody: sfn.TaskInput.fromObject({
        kind: 'resolved',
        'incidentId.$': '$.incidentId',
        'resourceId.$': '$.resourceId',
        'alarmName.$': '$.alarmName',
        'plan.$': '$.plan',
        'verify.$': '$.verify',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    // A failed notification must not undo a recovery: record it and still succeed.
    notify.addCatch(new sfn.Succeed(this, 'RecoveredNotifyFailed', { stateName: 'RecoveredNotifyFailed' }), {
      resultPath: '$.notifyError',
    });

    // Losing the lease is never a reason to try the next runbook: someone else owns the resource now.
    runStep.addCatch(releaseForEscalation, { errors: FENCING_ERRORS, resultPath: '$.error' });
    runStep.addCatch(nextRunbook, { errors: RUNBOOK_FAILED_ERRORS, resultPath: '$.error' });
    for (const task of [acquire, decidePlan, runStep, verify, nextRunbook, resolve]) {
      task.addCatch(releaseForEscalation, { errors: ['States.ALL'], resultPath: '$.error' });
    }
    // Resolved already: a lease that could not be released expires on its own; the recovery stands.
    release.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.releaseError' });

    const begin = invoke('Begin', props.recordFunction, 'begin', '$.context');
    begin.addCatch(releaseForEscalation, { errors: ['States.ALL'], resultPath: '$.error' });

    const decision = new sfn.Choice(this, 'Decision', { stateName: 'Decision' })
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.decision.decision'),
          sfn.Condition.stringEquals('$.decision.decision', 'close'),
        ),
        markEscalated,
      )
      .otherwise(acquire);

    escalate.next(decision);

    const leaseTaken = new sfn.Choice(this, 'LeaseTaken', { stateName: 'LeaseTaken' })
      .when(sfn.Condition.stringEquals('$.lease.kind', 'acquired'), decidePlan)
      .when(sfn.Condition.stringEquals('$.lease.kind', 'held'), waitForLease)
      .when(sfn.Condition.stringEquals('$.lease.kind', 'settled'), joined)
      .otherwise(leaseNotAcquired);

    // A multi-phase step (e.g. EC2 stop/start) reports itself incomplete with a wait: call it again after that.
    const waitForStep = new sfn.Wait(this, 'WaitForStep', {
      stateName: 'WaitForStep',
      time: sfn.WaitTime.secondsPath('$.cursor.waitSeconds'),
    }).next(runStep);
    const stepsLeft = new sfn.Choice(this, 'StepsLeft', { stateName: 'StepsLeft' })
      .when(
        sfn.Condition.and(
          sfn.Condition.booleanEquals('$.cursor.runbookDone', false),
          sfn.Condition.numberGreaterThan('$.cursor.waitSeconds', 0),
        ),
        waitForStep,
      )
      .when(sfn.Condition.booleanEquals('$.cursor.runbookDone', false), runStep)
      .otherwise(verify);

    const recovered = new sfn.Choice(this, 'Recovered', { stateName: 'Recovered' })
      .when(sfn.Condition.stringEquals('$.verify.status', 'recovered'), resolve)
      .when(sfn.Condition.stringEquals('$.verify.status', 'pending'), waitToVerify)
      .otherwise(nextRunbook);

    const runbookLeft = new sfn.Choice(this, 'RunbookLeft', { stateName: 'RunbookLeft' })
      .when(sfn.Condition.booleanEquals('$.cursor.exhausted', true), runbooksExhausted)
      .otherwise(runStep);

    begin.next(acquire);
    acquire.next(leaseTaken);
    decidePlan.next(runStep);
    runStep.next(stepsLeft);
    verify.next(recovered);
    nextRunbook.next(runbookLeft);
    resolve.next(release);
    release.next(notify);
    notify.next(new sfn.Succeed(this, 'Done', { stateName: 'Done' }));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(begin),
      timeout: props.timeout ?? Duration.hours(48),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment:
        'Faultline recovery: lease, plan, fenced runbook steps, verify, release; escalate when it cannot',
    });
  }
}
