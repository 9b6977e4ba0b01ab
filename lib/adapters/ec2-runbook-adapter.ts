import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { RunbookTargetNotFoundError } from '../runbooks/errors.js';
import type { Ec2InstanceState, Ec2InstanceStateName, Ec2RunbookPort } from '../runbooks/ports.js';
import { call } from './runbook-sdk-errors.js';

const STATES = new Set<Ec2InstanceStateName>([
  'pending',
  'running',
  'shutting-down',
  'terminated',
  'stopping',
  'stopped',
]);

/**
 * The runbook steps' EC2 port on an injected SDK v3 client.
 *
 * @example
 * const ports = { ec2: new Ec2RunbookAdapter(new EC2Client({})) };
 */
export class Ec2RunbookAdapter implements Ec2RunbookPort {
  constructor(private readonly client: EC2Client) {}

  async describeInstance(instanceId: string): Promise<Ec2InstanceState> {
    const out = await call('ec2:DescribeInstances', () =>
      this.client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId === instanceId,
    );
    if (!instance) {
      throw new RunbookTargetNotFoundError(
        `EC2 instance ${instanceId} not found`,
        'InvalidInstanceID.NotFound',
      );
    }
    const name = instance.State?.Name as Ec2InstanceStateName | undefined;
    return {
      instanceId,
      // An unknown future state name is treated like pending: wait and look again.
      state: name !== undefined && STATES.has(name) ? name : 'pending',
      tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  async rebootInstance(instanceId: string): Promise<void> {
    await call('ec2:RebootInstances', () =>
      this.client.send(new RebootInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }

  async stopInstance(instanceId: string): Promise<void> {
    await call('ec2:StopInstances', () =>
      this.client.send(new StopInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }

  async startInstance(instanceId: string): Promise<void> {
    await call('ec2:StartInstances', () =>
      this.client.send(new StartInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }

  async tagInstance(instanceId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await call('ec2:CreateTags', () =>
      this.client.send(
        new CreateTagsCommand({
          Resources: [instanceId],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }
}
