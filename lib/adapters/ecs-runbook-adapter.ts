import {
  DescribeServicesCommand,
  type ECSClient,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { RunbookTargetNotFoundError } from '../runbooks/errors.js';
import type { EcsRunbookPort, EcsServiceState } from '../runbooks/ports.js';
import { call } from './runbook-sdk-errors.js';

/**
 * The runbook steps' ECS port on an injected SDK v3 client.
 *
 * @example
 * const ports = { ecs: new EcsRunbookAdapter(new ECSClient({})) };
 */
export class EcsRunbookAdapter implements EcsRunbookPort {
  constructor(private readonly client: ECSClient) {}

  async describeService(
    cluster: string,
    service: string,
    options?: { tags?: boolean },
  ): Promise<EcsServiceState> {
    const out = await call('ecs:DescribeServices', () =>
      this.client.send(
        new DescribeServicesCommand({
          cluster,
          services: [service],
          ...(options?.tags ? { include: ['TAGS'] } : {}),
        }),
      ),
    );
    const svc = out.services?.[0];
    // A missing service comes back as a "failure" entry, not an error; an INACTIVE one is a deleted service.
    if (!svc || svc.status === 'INACTIVE' || !svc.serviceArn) {
      const reason = out.failures?.[0]?.reason ?? svc?.status ?? 'MISSING';
      throw new RunbookTargetNotFoundError(
        `ECS service ${cluster}/${service}: ${reason}`,
        'ServiceNotFoundException',
      );
    }
    return {
      serviceArn: svc.serviceArn,
      desiredCount: svc.desiredCount ?? 0,
      runningCount: svc.runningCount ?? 0,
      deployments: (svc.deployments ?? []).map((d) => ({
        id: d.id ?? '',
        status: d.status ?? '',
        createdAtMs: d.createdAt?.getTime() ?? 0,
        ...(d.rolloutState === undefined ? {} : { rolloutState: d.rolloutState }),
      })),
      tags: Object.fromEntries((svc.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
    };
  }

  async forceNewDeployment(cluster: string, service: string): Promise<{ deploymentId?: string }> {
    const out = await call('ecs:UpdateService', () =>
      this.client.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true })),
    );
    const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    return primary === undefined ? {} : { deploymentId: primary };
  }

  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void> {
    await call('ecs:UpdateService', () =>
      this.client.send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
  }

  async tagService(serviceArn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await call('ecs:TagResource', () =>
      this.client.send(
        new TagResourceCommand({
          resourceArn: serviceArn,
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        }),
      ),
    );
  }
}
