import { z } from 'zod';
import { lambdaFunctionArn } from '../arns.js';
import { RunbookStepFailedError, TransientRunbookError } from '../errors.js';
import type { LambdaInvokeResult, LambdaRunbookPort } from '../ports.js';
import type { ActionRecord, ArnEnv, IamStatement, StepContext, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'lambda.invoke';

const target = z.strictObject({
  functionName: templatable(),
  /** Alias or version; unqualified invokes $LATEST. */
  qualifier: templatable().optional(),
  /** Passed to the function as `params` (strings may use templates). */
  payload: z.record(z.string(), z.unknown()).optional(),
});

export const lambdaInvokeParams = target.extend({
  /** A function to invoke as this step's undo, with the same envelope and `action: 'undo'`. */
  undo: target.optional(),
});
export type LambdaInvokeParams = z.infer<typeof lambdaInvokeParams>;

/** The event a custom step's function receives. */
export interface CustomStepEvent {
  readonly faultline: {
    readonly action: 'run' | 'undo';
    /** Use as your idempotency key: the same on every retry of this step. */
    readonly stepKey: string;
    /** Check it against your own guarded state if your step writes somewhere that can. */
    readonly fence: { readonly resource: string; readonly token: number };
  };
  readonly params: Readonly<Record<string, unknown>>;
}

export interface LambdaInvokeDetail {
  readonly functionName: string;
  readonly qualifier?: string;
  readonly executedVersion?: string;
  /** What the function returned. */
  readonly response?: unknown;
}

async function invoke(
  action: 'run' | 'undo',
  spec: z.infer<typeof target>,
  ctx: StepContext,
  lambda: LambdaRunbookPort,
) {
  const event: CustomStepEvent = {
    faultline: {
      action,
      stepKey: ctx.stepKey,
      fence: { resource: ctx.fence.resource, token: ctx.fence.token },
    },
    params: spec.payload ?? {},
  };
  const actions: ActionRecord[] = [];
  let response: LambdaInvokeResult | undefined;
  await act(
    ctx,
    actions,
    {
      api: 'lambda:InvokeFunction',
      target: `lambda:function:${spec.functionName}${spec.qualifier ? `:${spec.qualifier}` : ''}`,
      params: { event },
    },
    async () => {
      response = await lambda.invoke(spec.functionName, spec.qualifier, event);
    },
  );
  if (response?.functionError !== undefined) {
    const payload = response.payload as { errorType?: unknown; errorMessage?: unknown } | undefined;
    const errorType = typeof payload?.errorType === 'string' ? payload.errorType : response.functionError;
    const message = `Custom step ${spec.functionName} failed: ${String(payload?.errorMessage ?? response.functionError)}`;
    // The function can ask for a retry by throwing an error named TransientRunbookError.
    if (errorType === 'TransientRunbookError') throw new TransientRunbookError(message, errorType);
    throw new RunbookStepFailedError(message, errorType);
  }
  return result(KIND, ctx, {
    outcome: changed(ctx),
    actions,
    undo: ctx.dryRun ? null : {},
    detail: {
      functionName: spec.functionName,
      ...(spec.qualifier === undefined ? {} : { qualifier: spec.qualifier }),
      ...(response?.executedVersion === undefined ? {} : { executedVersion: response.executedVersion }),
      ...(response === undefined ? {} : { response: response.payload }),
    },
  });
}

function invokeStatement(env: ArnEnv, spec: z.infer<typeof target>): IamStatement {
  return {
    actions: ['lambda:InvokeFunction'],
    resources: [lambdaFunctionArn(env, spec.functionName, spec.qualifier)],
  };
}

/**
 * Invokes a user's Lambda function as a custom step (synchronously). The function receives a
 * {@link CustomStepEvent}; an error it throws fails the step (`RunbookStepFailedError`), or is retried when its
 * name is `TransientRunbookError`. Undo invokes `undo.functionName` when configured.
 *
 * @example
 * await runStep({ kind: 'lambda.invoke', params: { functionName: 'flush-cache', payload: { node: '{{suspect}}' } } }, ctx, { lambda });
 */
export const lambdaInvokeStep: StepDefinition<typeof KIND, LambdaInvokeParams, LambdaInvokeDetail> = {
  kind: KIND,
  description: "Invoke a user's Lambda function as a custom step (optional undo function).",
  idempotency:
    'Delegated: the function receives faultline.stepKey (the same on every retry) and must treat it as an idempotency key; Faultline cannot know what the function changes.',
  params: lambdaInvokeParams,
  iam: (params, env) => [
    invokeStatement(env, params),
    ...(params.undo ? [invokeStatement(env, params.undo)] : []),
  ],
  async run(params, ctx, ports) {
    const out = await invoke('run', params, ctx, requirePort(ports, 'lambda', KIND));
    return params.undo ? out : { ...out, undo: null };
  },
  async undo(params, _undo, ctx, ports) {
    if (!params.undo) {
      return result(KIND, ctx, {
        outcome: 'nothing-to-do',
        detail: { reason: 'no undo function configured' },
      });
    }
    const out = await invoke('undo', params.undo, ctx, requirePort(ports, 'lambda', KIND));
    return { ...out, undo: null };
  },
};
