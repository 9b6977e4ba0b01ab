import { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { EcsRunbookAdapter } from '../../../../lib/adapters/ecs-runbook-adapter.js';
import {
  clientConfig,
  json,
  type RecordedRequest,
  recordingHandler,
  target,
} from '../support/recording-http.js';

const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders';

function adapter(
  respond: (r: RecordedRequest) => { status?: number; body?: string; headers?: Record<string, string> },
) {
  const rec = recordingHandler(respond);
  return { rec, ecs: new EcsRunbookAdapter(new ECSClient(clientConfig(rec.handler))) };
}

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };

describe('EcsRunbookAdapter', () => {
  it('describes a service with its deployments and tags', async () => {
    const { rec, ecs } = adapter(() => ({
      headers: JSON_HEADERS,
      body: JSON.stringify({
        services: [
          {
            serviceArn: SERVICE_ARN,
            status: 'ACTIVE',
            desiredCount: 3,
            runningCount: 2,
            deployments: [
              { id: 'ecs-svc/1', status: 'PRIMARY', createdAt: 1_700_000_100.5, rolloutState: 'IN_PROGRESS' },
              { id: 'ecs-svc/0', status: 'ACTIVE', createdAt: 1_700_000_000 },
            ],
            tags: [{ key: 'faultline:scale-out', value: 'k1 from=1 to=3' }],
          },
        ],
        failures: [],
      }),
    }));
    const state = await ecs.describeService('prod', 'orders', { tags: true });
    expect(rec.requests).toHaveLength(1);
    const [req] = rec.requests;
    expect(target(req as RecordedRequest)).toBe('AmazonEC2ContainerServiceV20141113.DescribeServices');
    expect(req?.hostname).toBe('ecs.eu-west-1.amazonaws.com');
    expect(json(req as RecordedRequest)).toEqual({
      cluster: 'prod',
      services: ['orders'],
      include: ['TAGS'],
    });
    expect(state).toEqual({
      serviceArn: SERVICE_ARN,
      desiredCount: 3,
      runningCount: 2,
      deployments: [
        { id: 'ecs-svc/1', status: 'PRIMARY', createdAtMs: 1_700_000_100_500, rolloutState: 'IN_PROGRESS' },
        { id: 'ecs-svc/0', status: 'ACTIVE', createdAtMs: 1_700_000_000_000 },
      ],
      tags: { 'faultline:scale-out': 'k1 from=1 to=3' },
    });
  });

  it('asks for tags only when told to', async () => {
    const { rec, ecs } = adapter(() => ({
      headers: JSON_HEADERS,
      body: JSON.stringify({ services: [{ serviceArn: SERVICE_ARN, status: 'ACTIVE', desiredCount: 1 }] }),
    }));
    await ecs.describeService('prod', 'orders');
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({ cluster: 'prod', services: ['orders'] });
  });

  it('reports a missing service as RunbookTargetNotFoundError', async () => {
    const { ecs } = adapter(() => ({
      headers: JSON_HEADERS,
      body: JSON.stringify({ services: [], failures: [{ arn: SERVICE_ARN, reason: 'MISSING' }] }),
    }));
    await expect(ecs.describeService('prod', 'orders')).rejects.toMatchObject({
      name: 'RunbookTargetNotFoundError',
      message: expect.stringContaining('MISSING'),
    });
  });

  it('forces a new deployment with UpdateService and returns the primary deployment id', async () => {
    const { rec, ecs } = adapter(() => ({
      headers: JSON_HEADERS,
      body: JSON.stringify({ service: { deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] } }),
    }));
    await expect(ecs.forceNewDeployment('prod', 'orders')).resolves.toEqual({ deploymentId: 'ecs-svc/2' });
    expect(target(rec.requests[0] as RecordedRequest)).toBe(
      'AmazonEC2ContainerServiceV20141113.UpdateService',
    );
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({
      cluster: 'prod',
      service: 'orders',
      forceNewDeployment: true,
    });
  });

  it('sets the desired count and tags by ARN', async () => {
    const { rec, ecs } = adapter(() => ({ headers: JSON_HEADERS, body: '{}' }));
    await ecs.setDesiredCount('prod', 'orders', 5);
    await ecs.tagService(SERVICE_ARN, { 'faultline:scale-out': 'k from=3 to=5' });
    expect(rec.requests.map(target)).toEqual([
      'AmazonEC2ContainerServiceV20141113.UpdateService',
      'AmazonEC2ContainerServiceV20141113.TagResource',
    ]);
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({
      cluster: 'prod',
      service: 'orders',
      desiredCount: 5,
    });
    expect(json(rec.requests[1] as RecordedRequest)).toEqual({
      resourceArn: SERVICE_ARN,
      tags: [{ key: 'faultline:scale-out', value: 'k from=3 to=5' }],
    });
  });

  it('translates throttling to TransientRunbookError and access denied to RunbookStepFailedError', async () => {
    const throttled = adapter(() => ({
      status: 400,
      headers: JSON_HEADERS,
      body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
    }));
    await expect(throttled.ecs.setDesiredCount('prod', 'orders', 2)).rejects.toMatchObject({
      name: 'TransientRunbookError',
      code: 'ThrottlingException',
    });
    const denied = adapter(() => ({
      status: 400,
      headers: JSON_HEADERS,
      body: JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }),
    }));
    await expect(denied.ecs.setDesiredCount('prod', 'orders', 2)).rejects.toMatchObject({
      name: 'RunbookStepFailedError',
      code: 'AccessDeniedException',
    });
    const server = adapter(() => ({
      status: 500,
      headers: JSON_HEADERS,
      body: JSON.stringify({ __type: 'ServerException', message: 'boom' }),
    }));
    await expect(server.ecs.forceNewDeployment('prod', 'orders')).rejects.toMatchObject({
      name: 'TransientRunbookError',
    });
  });
});
