import { z } from 'zod';
import { ecsServiceArn } from '../arns.js';
import type { ActionRecord, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'ecs.forceNewDeployment';

export const ecsForceDeploymentParams = z.strictObject({
  cluster: templatable(),
  service: templatable(),
});
export type EcsForceDeploymentParams = z.infer<typeof ecsForceDeploymentParams>;

export interface EcsForceDeploymentDetail {
  readonly cluster: string;
  readonly service: string;
  /** The deployment this step started, or the one it found already started since `startedAtMs`. */
  readonly deploymentId?: string;
}

/**
 * Forces a new deployment of an ECS service: every task is replaced with a fresh one of the same task definition.
 * No undo (there is nothing to go back to).
 *
 * @example
 * await runStep({ kind: 'ecs.forceNewDeployment', params: { cluster: 'prod', service: 'orders' } }, ctx, { ecs });
 */
export const ecsForceDeploymentStep: StepDefinition<
  typeof KIND,
  EcsForceDeploymentParams,
  EcsForceDeploymentDetail
> = {
  kind: KIND,
  description: 'ECS UpdateService with forceNewDeployment: replace every task of the service.',
  idempotency:
    "Before deploying, the step looks for a PRIMARY deployment created at or after ctx.startedAtMs; if one exists (ours from an earlier attempt, or anyone's) the fresh tasks it wanted are already rolling out and it does nothing.",
  params: ecsForceDeploymentParams,
  iam: (params, env) => [
    {
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [ecsServiceArn(env, params.cluster, params.service)],
    },
  ],
  async run(params, ctx, ports) {
    const ecs = requirePort(ports, 'ecs', KIND);
    const state = await ecs.describeService(params.cluster, params.service);
    const fresh = state.deployments.find((d) => d.status === 'PRIMARY' && d.createdAtMs >= ctx.startedAtMs);
    if (fresh) {
      return result(KIND, ctx, {
        outcome: 'already-applied',
        detail: { ...params, deploymentId: fresh.id },
      });
    }
    const actions: ActionRecord[] = [];
    let deploymentId: string | undefined;
    await act(
      ctx,
      actions,
      {
        api: 'ecs:UpdateService',
        target: `ecs:service/${params.cluster}/${params.service}`,
        params: { forceNewDeployment: true },
      },
      async () => {
        deploymentId = (await ecs.forceNewDeployment(params.cluster, params.service)).deploymentId;
      },
    );
    return result(KIND, ctx, {
      outcome: changed(ctx),
      actions,
      detail: { ...params, ...(deploymentId === undefined ? {} : { deploymentId }) },
    });
  },
};
