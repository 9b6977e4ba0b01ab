import { z } from 'zod';
import { autoScalingGroupArn } from '../arns.js';
import { TAG_SCALE_OUT } from '../markers.js';
import type { AutoScalingRunbookPort } from '../ports.js';
import type { StepDefinition } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';
import { type ScalableTarget, type ScaleOutDetail, scaleBack, scaleOut } from './scale-out-core.js';

const KIND = 'autoscaling.scaleOut';

export const autoScalingScaleOutParams = z.strictObject({
  autoScalingGroupName: templatable(),
  /** Instances to add. */
  by: z.int().min(1).max(1000),
  /** Upper bound on the desired capacity after scaling (the group's MaxSize also applies). */
  max: z.int().min(1).max(100_000),
});
export type AutoScalingScaleOutParams = z.infer<typeof autoScalingScaleOutParams>;

function groupTarget(asg: AutoScalingRunbookPort, name: string): ScalableTarget {
  return {
    target: `autoscaling:autoScalingGroupName/${name}`,
    setApi: 'autoscaling:SetDesiredCapacity',
    tagApi: 'autoscaling:CreateOrUpdateTags',
    async read() {
      const group = await asg.describeGroup(name);
      return { desired: group.desiredCapacity, hardMax: group.maxSize, tags: group.tags };
    },
    setDesired: (count) => asg.setDesiredCapacity(name, count),
    tag: (value) => asg.tagGroup(name, { [TAG_SCALE_OUT]: value }),
  };
}

/**
 * Raises an Auto Scaling group's desired capacity by `by`, at most to `max` and the group's MaxSize. Undo sets it
 * back if nobody changed it since.
 *
 * @example
 * await runStep({ kind: 'autoscaling.scaleOut', params: { autoScalingGroupName: 'web', by: 1, max: 10 } }, ctx, { autoScaling });
 */
export const autoScalingScaleOutStep: StepDefinition<typeof KIND, AutoScalingScaleOutParams, ScaleOutDetail> =
  {
    kind: KIND,
    description: 'Auto Scaling desired capacity + by (bounded by max and MaxSize); undo scales back.',
    idempotency:
      'The absolute target capacity and the stepKey are tagged on the group (faultline:scale-out) before the capacity is set; a re-run finds its own tag and re-applies that absolute capacity instead of adding again.',
    params: autoScalingScaleOutParams,
    iam: (params, env) => [
      {
        actions: ['autoscaling:CreateOrUpdateTags', 'autoscaling:SetDesiredCapacity'],
        resources: [autoScalingGroupArn(env, params.autoScalingGroupName)],
      },
      {
        actions: ['autoscaling:DescribeAutoScalingGroups'],
        resources: ['*'],
        reason: 'autoscaling:DescribeAutoScalingGroups supports no resource-level permissions (read-only).',
      },
    ],
    run: (params, ctx, ports) =>
      scaleOut(
        KIND,
        groupTarget(requirePort(ports, 'autoScaling', KIND), params.autoScalingGroupName),
        params.by,
        params.max,
        ctx,
      ),
    undo: (params, _undo, ctx, ports) =>
      scaleBack(KIND, groupTarget(requirePort(ports, 'autoScaling', KIND), params.autoScalingGroupName), ctx),
  };
