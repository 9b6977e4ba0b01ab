import { z } from 'zod';
import { lambdaFunctionArn } from '../arns.js';
import { RunbookStepFailedError } from '../errors.js';
import { formatAliasMarker, parseAliasMarker } from '../markers.js';
import type { ActionRecord, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'lambda.rollbackAlias';

export const lambdaAliasRollbackParams = z.strictObject({
  functionName: templatable(),
  alias: templatable(),
  /** Roll back to this published version instead of the one just below the alias's current version. */
  toVersion: z.string().regex(/^\d+$/, 'a published version number, e.g. "7"').optional(),
});
export type LambdaAliasRollbackParams = z.infer<typeof lambdaAliasRollbackParams>;

export interface LambdaAliasDetail {
  readonly functionName: string;
  readonly alias: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly reason?: string;
}

/**
 * Points a Lambda alias at the previous published version (the highest below the current one) and clears any
 * weighted routing. Undo rolls forward to the version it replaced, if the alias still points where the rollback
 * left it.
 *
 * @example
 * await runStep({ kind: 'lambda.rollbackAlias', params: { functionName: 'orders', alias: 'live' } }, ctx, { lambda });
 */
export const lambdaAliasRollbackStep: StepDefinition<
  typeof KIND,
  LambdaAliasRollbackParams,
  LambdaAliasDetail
> = {
  kind: KIND,
  description: 'Lambda UpdateAlias to the previous published version; undo rolls forward.',
  idempotency:
    'The alias update carries its own marker in the alias description ("faultline rollback <stepKey> <from>-><to>") in the same UpdateAlias call, conditioned on the RevisionId read just before; a re-run that finds its marker does nothing, and a concurrent change fails the condition (TransientRunbookError, re-read on retry). Note: the alias description is overwritten.',
  params: lambdaAliasRollbackParams,
  iam: (params, env) => [
    {
      actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:UpdateAlias'],
      resources: [
        lambdaFunctionArn(env, params.functionName),
        lambdaFunctionArn(env, params.functionName, params.alias),
      ],
    },
  ],
  async run(params, ctx, ports) {
    const lambda = requirePort(ports, 'lambda', KIND);
    const { functionName, alias } = params;
    const state = await lambda.getAlias(functionName, alias);
    const marker = parseAliasMarker(state.description);
    if (marker?.direction === 'rollback' && marker.stepKey === ctx.stepKey) {
      const detail = { functionName, alias, fromVersion: marker.from, toVersion: marker.to };
      return result(KIND, ctx, {
        outcome: 'already-applied',
        undo: { fromVersion: marker.from, toVersion: marker.to },
        detail,
      });
    }
    const current = state.functionVersion;
    const target = params.toVersion ?? previousVersion(await lambda.listVersions(functionName), current);
    if (target === undefined) {
      throw new RunbookStepFailedError(
        `Alias ${functionName}:${alias} points at ${current}; no earlier published version to roll back to`,
        'NoPreviousVersion',
      );
    }
    if (target === current) {
      return result(KIND, ctx, {
        outcome: 'nothing-to-do',
        detail: {
          functionName,
          alias,
          fromVersion: current,
          toVersion: target,
          reason: 'alias already there',
        },
      });
    }
    const description = formatAliasMarker({
      direction: 'rollback',
      stepKey: ctx.stepKey,
      from: current,
      to: target,
    });
    const actions: ActionRecord[] = [];
    await act(
      ctx,
      actions,
      {
        api: 'lambda:UpdateAlias',
        target: `lambda:function:${functionName}:${alias}`,
        params: { functionVersion: target, description, revisionId: state.revisionId },
      },
      () =>
        lambda.updateAlias(functionName, alias, {
          functionVersion: target,
          description,
          revisionId: state.revisionId,
        }),
    );
    return result(KIND, ctx, {
      outcome: changed(ctx),
      actions,
      undo: ctx.dryRun ? null : { fromVersion: current, toVersion: target },
      detail: { functionName, alias, fromVersion: current, toVersion: target },
    });
  },
  async undo(params, _undo, ctx, ports) {
    const lambda = requirePort(ports, 'lambda', KIND);
    const { functionName, alias } = params;
    const state = await lambda.getAlias(functionName, alias);
    const marker = parseAliasMarker(state.description);
    if (marker?.stepKey !== ctx.stepKey) {
      return result(KIND, ctx, {
        outcome: 'nothing-to-do',
        detail: { functionName, alias, reason: 'no rollback by this step is recorded on the alias' },
      });
    }
    if (marker.direction === 'rollforward') {
      return result(KIND, ctx, { outcome: 'already-applied', detail: { functionName, alias, ...marker } });
    }
    if (state.functionVersion !== marker.to) {
      return result(KIND, ctx, {
        outcome: 'nothing-to-do',
        detail: {
          functionName,
          alias,
          reason: `alias moved since the rollback (now ${state.functionVersion}); left as is`,
        },
      });
    }
    const description = formatAliasMarker({
      direction: 'rollforward',
      stepKey: ctx.stepKey,
      from: marker.to,
      to: marker.from,
    });
    const actions: ActionRecord[] = [];
    await act(
      ctx,
      actions,
      {
        api: 'lambda:UpdateAlias',
        target: `lambda:function:${functionName}:${alias}`,
        params: { functionVersion: marker.from, description, revisionId: state.revisionId },
      },
      () =>
        lambda.updateAlias(functionName, alias, {
          functionVersion: marker.from,
          description,
          revisionId: state.revisionId,
        }),
    );
    return result(KIND, ctx, {
      outcome: changed(ctx),
      actions,
      detail: { functionName, alias, fromVersion: marker.to, toVersion: marker.from },
    });
  },
};

/** The highest published version below `current` (numeric order, not string order: "10" > "9"). */
export function previousVersion(versions: readonly string[], current: string): string | undefined {
  if (!/^\d+$/.test(current)) return undefined;
  const below = versions
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .filter((v) => v < Number(current));
  return below.length === 0 ? undefined : String(Math.max(...below));
}
