import { z } from 'zod';
import { autoScalingGroupArn } from '../arns.js';
import type { ActionRecord, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'autoscaling.replaceInstance';

export const autoScalingReplaceInstanceParams = z.strictObject({
  autoScalingGroupName: templatable(),
  instanceId: templatable(),
  /**
   * `terminate`: TerminateInstanceInAutoScalingGroup without decrementing desired capacity (replacement starts
   * at once). `set-unhealthy`: SetInstanceHealth Unhealthy, letting the group's own replacement (and its
   * lifecycle hooks) do the work.
   */
  mode: z.enum(['terminate', 'set-unhealthy']).default('terminate'),
});
export type AutoScalingReplaceInstanceParams = z.infer<typeof autoScalingReplaceInstanceParams>;

export interface AutoScalingReplaceInstanceDetail {
  readonly autoScalingGroupName: string;
  readonly instanceId: string;
  readonly mode: 'terminate' | 'set-unhealthy';
  /** False when the instance is no longer (or never was) in the group. */
  readonly inGroup: boolean;
  readonly lifecycleState?: string;
  readonly healthStatus?: string;
}

/**
 * Replaces one instance of an Auto Scaling group, keeping the desired capacity. No undo (a terminated instance
 * stays terminated; the replacement is the point).
 *
 * @example
 * await runStep({ kind: 'autoscaling.replaceInstance', params: { autoScalingGroupName: 'web', instanceId: 'i-0abc' } }, ctx, { autoScaling });
 */
export const autoScalingReplaceInstanceStep: StepDefinition<
  typeof KIND,
  AutoScalingReplaceInstanceParams,
  AutoScalingReplaceInstanceDetail
> = {
  kind: KIND,
  description:
    'Replace an instance in its Auto Scaling group (terminate keeping capacity, or mark it unhealthy).',
  idempotency:
    'Reads the group first: an instance already Terminating/Terminated, already Unhealthy (set-unhealthy mode), or no longer in the group is reported as already-applied without a call.',
  params: autoScalingReplaceInstanceParams,
  iam: (params, env) => [
    {
      actions: [
        params.mode === 'terminate'
          ? 'autoscaling:TerminateInstanceInAutoScalingGroup'
          : 'autoscaling:SetInstanceHealth',
      ],
      resources: [autoScalingGroupArn(env, params.autoScalingGroupName)],
    },
    {
      actions: ['autoscaling:DescribeAutoScalingGroups'],
      resources: ['*'],
      reason: 'autoscaling:DescribeAutoScalingGroups supports no resource-level permissions (read-only).',
    },
  ],
  async run(params, ctx, ports) {
    const asg = requirePort(ports, 'autoScaling', KIND);
    const group = await asg.describeGroup(params.autoScalingGroupName);
    const instance = group.instances.find((i) => i.instanceId === params.instanceId);
    const base = {
      autoScalingGroupName: params.autoScalingGroupName,
      instanceId: params.instanceId,
      mode: params.mode,
    };
    if (!instance)
      return result(KIND, ctx, { outcome: 'already-applied', detail: { ...base, inGroup: false } });
    const detail = {
      ...base,
      inGroup: true,
      lifecycleState: instance.lifecycleState,
      healthStatus: instance.healthStatus,
    };
    const leaving = instance.lifecycleState.startsWith('Terminat');
    if (leaving || (params.mode === 'set-unhealthy' && instance.healthStatus === 'Unhealthy')) {
      return result(KIND, ctx, { outcome: 'already-applied', detail });
    }
    const actions: ActionRecord[] = [];
    const target = `autoscaling:autoScalingGroupName/${params.autoScalingGroupName}`;
    if (params.mode === 'terminate') {
      await act(
        ctx,
        actions,
        {
          api: 'autoscaling:TerminateInstanceInAutoScalingGroup',
          target,
          params: { instanceId: params.instanceId, shouldDecrementDesiredCapacity: false },
        },
        () => asg.terminateInstanceKeepCapacity(params.instanceId),
      );
    } else {
      await act(
        ctx,
        actions,
        {
          api: 'autoscaling:SetInstanceHealth',
          target,
          params: { instanceId: params.instanceId, healthStatus: 'Unhealthy' },
        },
        () => asg.setInstanceUnhealthy(params.instanceId),
      );
    }
    return result(KIND, ctx, { outcome: changed(ctx), actions, detail });
  },
};
