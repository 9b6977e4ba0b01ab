import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2RunbookAdapter } from '../../../../lib/adapters/ec2-runbook-adapter.js';
import { clientConfig, form, type RecordedRequest, recordingHandler } from '../support/recording-http.js';

const XML = { 'content-type': 'text/xml;charset=UTF-8' };
const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function adapter(respond: (r: RecordedRequest) => { status?: number; body?: string }) {
  const rec = recordingHandler((r) => ({ headers: XML, ...respond(r) }));
  return { rec, ec2: new Ec2RunbookAdapter(new EC2Client(clientConfig(rec.handler))) };
}

const describeBody = (state: string) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="${NS}">
  <requestId>r-1</requestId>
  <reservationSet><item><reservationId>r-0</reservationId><instancesSet><item>
    <instanceId>i-0abc</instanceId>
    <instanceState><code>16</code><name>${state}</name></instanceState>
    <tagSet><item><key>faultline:reboot</key><value>exec-1:0:1</value></item><item><key>Name</key><value>web</value></item></tagSet>
  </item></instancesSet></item></reservationSet>
</DescribeInstancesResponse>`;

describe('Ec2RunbookAdapter', () => {
  it('describes an instance: state and tags', async () => {
    const { rec, ec2 } = adapter(() => ({ body: describeBody('running') }));
    await expect(ec2.describeInstance('i-0abc')).resolves.toEqual({
      instanceId: 'i-0abc',
      state: 'running',
      tags: { 'faultline:reboot': 'exec-1:0:1', Name: 'web' },
    });
    expect(rec.requests[0]?.hostname).toBe('ec2.eu-west-1.amazonaws.com');
    expect(form(rec.requests[0] as RecordedRequest)).toMatchObject({
      Action: 'DescribeInstances',
      'InstanceId.1': 'i-0abc',
    });
  });

  it('reports an empty reservation set as RunbookTargetNotFoundError', async () => {
    const { ec2 } = adapter(() => ({
      body: `<DescribeInstancesResponse xmlns="${NS}"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>`,
    }));
    await expect(ec2.describeInstance('i-0abc')).rejects.toMatchObject({
      name: 'RunbookTargetNotFoundError',
    });
  });

  it('sends reboot, stop, start and create-tags with the instance id', async () => {
    const bodies: Record<string, string> = {
      RebootInstances: `<RebootInstancesResponse xmlns="${NS}"><requestId>r</requestId><return>true</return></RebootInstancesResponse>`,
      StopInstances: `<StopInstancesResponse xmlns="${NS}"><requestId>r</requestId><instancesSet/></StopInstancesResponse>`,
      StartInstances: `<StartInstancesResponse xmlns="${NS}"><requestId>r</requestId><instancesSet/></StartInstancesResponse>`,
      CreateTags: `<CreateTagsResponse xmlns="${NS}"><requestId>r</requestId><return>true</return></CreateTagsResponse>`,
    };
    const { rec, ec2 } = adapter((r) => ({ body: bodies[form(r).Action ?? ''] ?? '' }));
    await ec2.rebootInstance('i-0abc');
    await ec2.stopInstance('i-0abc');
    await ec2.startInstance('i-0abc');
    await ec2.tagInstance('i-0abc', { 'faultline:stop-start': 'exec-1:0:0' });
    expect(rec.requests.map((r) => form(r))).toEqual([
      { Action: 'RebootInstances', Version: '2016-11-15', 'InstanceId.1': 'i-0abc' },
      { Action: 'StopInstances', Version: '2016-11-15', 'InstanceId.1': 'i-0abc' },
      { Action: 'StartInstances', Version: '2016-11-15', 'InstanceId.1': 'i-0abc' },
      {
        Action: 'CreateTags',
        Version: '2016-11-15',
        'ResourceId.1': 'i-0abc',
        'Tag.1.Key': 'faultline:stop-start',
        'Tag.1.Value': 'exec-1:0:0',
      },
    ]);
  });

  it('translates RequestLimitExceeded to TransientRunbookError and a bad state to RunbookStepFailedError', async () => {
    const error = (code: string, status: number) =>
      adapter(() => ({
        status,
        body: `<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>x</RequestID></Response>`,
      }));
    await expect(error('RequestLimitExceeded', 503).ec2.rebootInstance('i-0abc')).rejects.toMatchObject({
      name: 'TransientRunbookError',
      code: 'RequestLimitExceeded',
    });
    await expect(error('UnauthorizedOperation', 403).ec2.stopInstance('i-0abc')).rejects.toMatchObject({
      name: 'RunbookStepFailedError',
      code: 'UnauthorizedOperation',
    });
    await expect(error('InvalidInstanceID.NotFound', 400).ec2.startInstance('i-0abc')).rejects.toMatchObject({
      name: 'RunbookTargetNotFoundError',
    });
  });
});
