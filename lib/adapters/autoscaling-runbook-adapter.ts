import {
  type AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  SetInstanceHealthCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { RunbookTargetNotFoundError } from '../runbooks/errors.js';
import type { AutoScalingGroupState, AutoScalingRunbookPort } from '../runbooks/ports.js';
import { call } from './runbook-sdk-errors.js';

/**
 * The runbook steps' Auto Scaling port on an injected SDK v3 client.
 *
 * @example
 * const ports = { autoScaling: new AutoScalingRunbookAdapter(new AutoScalingClient({})) };
 */
export class AutoScalingRunbookAdapter implements AutoScalingRunbookPort {
  constructor(private readonly client: AutoScalingClient) {}

  async describeGroup(groupName: string): Promise<AutoScalingGroupState> {
    const out = await call('autoscaling:DescribeAutoScalingGroups', () =>
      this.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
    );
    const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === groupName);
    if (!group) {
      throw new RunbookTargetNotFoundError(
        `Auto Scaling group ${groupName} not found`,
        'AutoScalingGroupNotFound',
      );
    }
    return {
      name: groupName,
      desiredCapacity: group.DesiredCapacity ?? 0,
      minSize: group.MinSize ?? 0,
      maxSize: group.MaxSize ?? 0,
      instances: (group.Instances ?? []).map((i) => ({
        instanceId: i.InstanceId ?? '',
        lifecycleState: i.LifecycleState ?? '',
        healthStatus: i.HealthStatus ?? '',
      })),
      tags: Object.fromEntries((group.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  async terminateInstanceKeepCapacity(instanceId: string): Promise<void> {
    await call('autoscaling:TerminateInstanceInAutoScalingGroup', () =>
      this.client.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: false,
        }),
      ),
    );
  }

  async setInstanceUnhealthy(instanceId: string): Promise<void> {
    await call('autoscaling:SetInstanceHealth', () =>
      this.client.send(
        new SetInstanceHealthCommand({
          InstanceId: instanceId,
          HealthStatus: 'Unhealthy',
          ShouldRespectGracePeriod: false,
        }),
      ),
    );
  }

  async setDesiredCapacity(groupName: string, desiredCapacity: number): Promise<void> {
    await call('autoscaling:SetDesiredCapacity', () =>
      this.client.send(
        // HonorCooldown false: recovery should not wait for a scaling cooldown it did not start.
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: groupName,
          DesiredCapacity: desiredCapacity,
          HonorCooldown: false,
        }),
      ),
    );
  }

  async tagGroup(groupName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await call('autoscaling:CreateOrUpdateTags', () =>
      this.client.send(
        new CreateOrUpdateTagsCommand({
          Tags: Object.entries(tags).map(([Key, Value]) => ({
            ResourceId: groupName,
            ResourceType: 'auto-scaling-group',
            Key,
            Value,
            PropagateAtLaunch: false,
          })),
        }),
      ),
    );
  }
}
