import { z } from 'zod';
import { ecsServiceArn } from '../arns.js';
import { TAG_SCALE_OUT } from '../markers.js';
import type { EcsRunbookPort } from '../ports.js';
import type { StepDefinition } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';
import { type ScalableTarget, type ScaleOutDetail, scaleBack, scaleOut } from './scale-out-core.js';

const KIND = 'ecs.scaleOut';

export const ecsScaleOutParams = z.strictObject({
  cluster: templatable(),
  service: templatable(),
  /** Tasks to add. */
  by: z.int().min(1).max(1000),
  /** Upper bound on the desired count after scaling. */
  max: z.int().min(1).max(100_000),
});
export type EcsScaleOutParams = z.infer<typeof ecsScaleOutParams>;

function ecsTarget(ecs: EcsRunbookPort, params: EcsScaleOutParams): ScalableTarget {
  let serviceArn: string | undefined;
  return {
    target: `ecs:service/${params.cluster}/${params.service}`,
    setApi: 'ecs:UpdateService',
    tagApi: 'ecs:TagResource',
    async read() {
      const state = await ecs.describeService(params.cluster, params.service, { tags: true });
      serviceArn = state.serviceArn;
      return { desired: state.desiredCount, hardMax: Number.POSITIVE_INFINITY, tags: state.tags };
    },
    setDesired: (count) => ecs.setDesiredCount(params.cluster, params.service, count),
    tag: async (value) => {
      // TagResource takes the ARN, which read() (always called first) learns from DescribeServices.
      if (serviceArn === undefined) throw new Error('ecs.scaleOut: tag() called before read()');
      await ecs.tagService(serviceArn, { [TAG_SCALE_OUT]: value });
    },
  };
}

/**
 * Raises an ECS service's desired count by `by`, at most to `max`. Undo sets it back if nobody changed it since.
 *
 * @example
 * await runStep({ kind: 'ecs.scaleOut', params: { cluster: 'prod', service: 'orders', by: 2, max: 20 } }, ctx, { ecs });
 */
export const ecsScaleOutStep: StepDefinition<typeof KIND, EcsScaleOutParams, ScaleOutDetail> = {
  kind: KIND,
  description: 'ECS desired count + by (bounded by max); undo scales back.',
  idempotency:
    'The absolute target count and the stepKey are tagged on the service (faultline:scale-out) before the count is set; a re-run finds its own tag and re-applies that absolute count instead of adding again.',
  params: ecsScaleOutParams,
  iam: (params, env) => [
    {
      // ListTagsForResource: reading the marker through DescribeServices include=TAGS.
      actions: ['ecs:DescribeServices', 'ecs:ListTagsForResource', 'ecs:TagResource', 'ecs:UpdateService'],
      resources: [ecsServiceArn(env, params.cluster, params.service)],
    },
  ],
  run: (params, ctx, ports) =>
    scaleOut(KIND, ecsTarget(requirePort(ports, 'ecs', KIND), params), params.by, params.max, ctx),
  undo: (params, _undo, ctx, ports) =>
    scaleBack(KIND, ecsTarget(requirePort(ports, 'ecs', KIND), params), ctx),
};
