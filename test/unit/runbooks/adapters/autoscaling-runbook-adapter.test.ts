import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { AutoScalingRunbookAdapter } from '../../../../lib/adapters/autoscaling-runbook-adapter.js';
import { clientConfig, form, type RecordedRequest, recordingHandler } from '../support/recording-http.js';

const XML = { 'content-type': 'text/xml' };
const NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const empty = (action: string) =>
  `<${action}Response xmlns="${NS}"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;

function adapter(respond: (r: RecordedRequest) => { status?: number; body?: string }) {
  const rec = recordingHandler((r) => ({ headers: XML, ...respond(r) }));
  return { rec, asg: new AutoScalingRunbookAdapter(new AutoScalingClient(clientConfig(rec.handler))) };
}

describe('AutoScalingRunbookAdapter', () => {
  it('describes a group: capacity, bounds, instances and tags', async () => {
    const { rec, asg } = adapter(() => ({
      body: `<DescribeAutoScalingGroupsResponse xmlns="${NS}"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>
        <AutoScalingGroupName>web</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>6</MaxSize><DesiredCapacity>3</DesiredCapacity>
        <Instances><member><InstanceId>i-1</InstanceId><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus></member>
        <member><InstanceId>i-2</InstanceId><LifecycleState>Terminating</LifecycleState><HealthStatus>Unhealthy</HealthStatus></member></Instances>
        <Tags><member><Key>faultline:scale-out</Key><Value>k from=2 to=3</Value><ResourceId>web</ResourceId><ResourceType>auto-scaling-group</ResourceType><PropagateAtLaunch>false</PropagateAtLaunch></member></Tags>
      </member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`,
    }));
    await expect(asg.describeGroup('web')).resolves.toEqual({
      name: 'web',
      desiredCapacity: 3,
      minSize: 1,
      maxSize: 6,
      instances: [
        { instanceId: 'i-1', lifecycleState: 'InService', healthStatus: 'Healthy' },
        { instanceId: 'i-2', lifecycleState: 'Terminating', healthStatus: 'Unhealthy' },
      ],
      tags: { 'faultline:scale-out': 'k from=2 to=3' },
    });
    expect(rec.requests[0]?.hostname).toBe('autoscaling.eu-west-1.amazonaws.com');
    expect(form(rec.requests[0] as RecordedRequest)).toEqual({
      Action: 'DescribeAutoScalingGroups',
      Version: '2011-01-01',
      'AutoScalingGroupNames.member.1': 'web',
    });
  });

  it('reports an unknown group as RunbookTargetNotFoundError', async () => {
    const { asg } = adapter(() => ({
      body: `<DescribeAutoScalingGroupsResponse xmlns="${NS}"><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`,
    }));
    await expect(asg.describeGroup('web')).rejects.toMatchObject({ name: 'RunbookTargetNotFoundError' });
  });

  it('terminates keeping capacity, sets unhealthy, sets capacity and tags the group', async () => {
    const { rec, asg } = adapter((r) => {
      const action = form(r).Action ?? '';
      if (action === 'TerminateInstanceInAutoScalingGroup') {
        return {
          body: `<TerminateInstanceInAutoScalingGroupResponse xmlns="${NS}"><TerminateInstanceInAutoScalingGroupResult><Activity><ActivityId>a</ActivityId><AutoScalingGroupName>web</AutoScalingGroupName><Cause>c</Cause><StartTime>2026-01-01T00:00:00Z</StartTime><StatusCode>InProgress</StatusCode></Activity></TerminateInstanceInAutoScalingGroupResult></TerminateInstanceInAutoScalingGroupResponse>`,
        };
      }
      return { body: empty(action) };
    });
    await asg.terminateInstanceKeepCapacity('i-1');
    await asg.setInstanceUnhealthy('i-2');
    await asg.setDesiredCapacity('web', 4);
    await asg.tagGroup('web', { 'faultline:scale-out': 'k from=3 to=4' });
    expect(rec.requests.map((r) => form(r))).toEqual([
      {
        Action: 'TerminateInstanceInAutoScalingGroup',
        Version: '2011-01-01',
        InstanceId: 'i-1',
        ShouldDecrementDesiredCapacity: 'false',
      },
      {
        Action: 'SetInstanceHealth',
        Version: '2011-01-01',
        InstanceId: 'i-2',
        HealthStatus: 'Unhealthy',
        ShouldRespectGracePeriod: 'false',
      },
      {
        Action: 'SetDesiredCapacity',
        Version: '2011-01-01',
        AutoScalingGroupName: 'web',
        DesiredCapacity: '4',
        HonorCooldown: 'false',
      },
      {
        Action: 'CreateOrUpdateTags',
        Version: '2011-01-01',
        'Tags.member.1.ResourceId': 'web',
        'Tags.member.1.ResourceType': 'auto-scaling-group',
        'Tags.member.1.Key': 'faultline:scale-out',
        'Tags.member.1.Value': 'k from=3 to=4',
        'Tags.member.1.PropagateAtLaunch': 'false',
      },
    ]);
  });

  it('translates ResourceContention (modelled as ResourceContentionFault) to TransientRunbookError', async () => {
    const { asg } = adapter(() => ({
      status: 400,
      body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ResourceContention</Code><Message>busy</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    }));
    await expect(asg.setDesiredCapacity('web', 4)).rejects.toMatchObject({
      name: 'TransientRunbookError',
      code: 'ResourceContentionFault',
    });
  });
});
