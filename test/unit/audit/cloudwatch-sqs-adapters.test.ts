import { createHash } from 'node:crypto';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  CloudWatchAlarmSource,
  SqsAuditNotifier,
  SqsQueueDepthSource,
} from '../../../lib/adapters/audit-sources.js';
import type { AuditNotification } from '../../../lib/audit/index.js';
import { type Responder, recordingClientConfig } from './support/recording-http.js';

const T = Date.UTC(2026, 10, 26, 3, 0, 0) / 1000;
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/faultline-DetectDlq';

const cloudwatch = (respond: Responder) => {
  const rec = recordingClientConfig(respond);
  return { requests: rec.requests, client: new CloudWatchClient(rec.config) };
};
const sqs = (respond: Responder) => {
  const rec = recordingClientConfig(respond);
  return { requests: rec.requests, client: new SQSClient(rec.config) };
};

describe('CloudWatchAlarmSource', () => {
  it('pages through DescribeAlarms for metric and composite alarms and maps dimensions and state times', async () => {
    const { requests, client } = cloudwatch((r) =>
      r.body.NextToken === undefined
        ? {
            body: {
              MetricAlarms: [
                {
                  AlarmName: 'fleet-default-errors',
                  StateValue: 'ALARM',
                  StateUpdatedTimestamp: T + 60,
                  StateTransitionedTimestamp: T,
                  Dimensions: [{ Name: 'RingId', Value: 'default' }],
                },
              ],
              NextToken: 'page-2',
            },
          }
        : {
            body: {
              MetricAlarms: [
                {
                  AlarmName: 'math',
                  StateValue: 'INSUFFICIENT_DATA',
                  StateUpdatedTimestamp: T,
                  Metrics: [
                    { Id: 'e1', Expression: 'm1 + m2' },
                    {
                      Id: 'm1',
                      MetricStat: {
                        Metric: {
                          Namespace: 'App',
                          MetricName: 'Errors',
                          Dimensions: [{ Name: 'RingId', Value: 'b' }],
                        },
                        Period: 60,
                        Stat: 'Sum',
                      },
                    },
                  ],
                },
              ],
              CompositeAlarms: [{ AlarmName: 'fleet', StateValue: 'OK' }],
            },
          },
    );
    const alarms = await new CloudWatchAlarmSource(client, { pageSize: 1 }).listAlarms();
    expect(requests.map((r) => r.target)).toEqual([
      'GraniteServiceVersion20100801.DescribeAlarms',
      'GraniteServiceVersion20100801.DescribeAlarms',
    ]);
    expect(requests[0]?.body).toEqual({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 1 });
    expect(requests[1]?.body).toEqual({
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 1,
      NextToken: 'page-2',
    });
    expect(alarms).toEqual([
      {
        name: 'fleet-default-errors',
        type: 'metric',
        state: 'ALARM',
        stateSinceMs: T * 1000,
        dimensions: [{ name: 'RingId', value: 'default' }],
      },
      {
        name: 'math',
        type: 'metric',
        state: 'INSUFFICIENT_DATA',
        stateSinceMs: T * 1000,
        dimensions: [{ name: 'RingId', value: 'b' }],
      },
      { name: 'fleet', type: 'composite', state: 'OK', dimensions: [] },
    ]);
  });

  it('reports a refused call as AuditSourceError carrying the service error name', async () => {
    const { client } = cloudwatch(() => ({
      status: 400,
      body: { __type: 'com.amazonaws.cloudwatch#AccessDenied', message: 'not authorized' },
    }));
    await expect(new CloudWatchAlarmSource(client).listAlarms()).rejects.toMatchObject({
      name: 'AuditSourceError',
      source: 'cloudwatch-alarms',
      code: 'AccessDenied',
    });
  });
});

describe('SqsQueueDepthSource', () => {
  it('asks GetQueueAttributes for the three approximate counts', async () => {
    const { requests, client } = sqs(() => ({
      body: {
        Attributes: {
          ApproximateNumberOfMessages: '7',
          ApproximateNumberOfMessagesNotVisible: '1',
          ApproximateNumberOfMessagesDelayed: '0',
        },
      },
    }));
    await expect(new SqsQueueDepthSource(client).queueDepth(QUEUE)).resolves.toEqual({
      url: QUEUE,
      visible: 7,
      inFlight: 1,
      delayed: 0,
    });
    expect(requests).toEqual([
      {
        target: 'AmazonSQS.GetQueueAttributes',
        body: {
          QueueUrl: QUEUE,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        },
      },
    ]);
  });

  it('reports a missing queue as AuditSourceError', async () => {
    const { client } = sqs(() => ({
      status: 400,
      body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
    }));
    await expect(new SqsQueueDepthSource(client).queueDepth(QUEUE)).rejects.toMatchObject({
      name: 'AuditSourceError',
      code: 'QueueDoesNotExist',
    });
  });
});

describe('SqsAuditNotifier', () => {
  const notification: AuditNotification = {
    kind: 'audit',
    at: '2026-11-26T04:00:00.000Z',
    findings: [
      { check: 'dlq-depth', severity: 'warning', resource: QUEUE, message: 'm', detail: { visible: 1 } },
    ],
  };
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const respond: Responder = (r) => ({
    body: { MessageId: 'm-1', MD5OfMessageBody: md5(String(r.body.MessageBody)) },
  });

  it('sends the notification JSON as one message with its content hash as an attribute', async () => {
    const { requests, client } = sqs(respond);
    await new SqsAuditNotifier(client, QUEUE).send(notification);
    const body = JSON.stringify(notification);
    const hash = createHash('sha256').update(body).digest('hex');
    expect(requests).toEqual([
      {
        target: 'AmazonSQS.SendMessage',
        body: {
          QueueUrl: QUEUE,
          MessageBody: body,
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'audit' },
            contentSha256: { DataType: 'String', StringValue: hash },
          },
        },
      },
    ]);
    // A redelivered audit sends the same bytes.
    await new SqsAuditNotifier(client, QUEUE).send(JSON.parse(body));
    expect(requests[1]).toEqual(requests[0]);
  });

  it('on a FIFO queue, deduplicates by content through MessageDeduplicationId', async () => {
    const { requests, client } = sqs(respond);
    await new SqsAuditNotifier(client, `${QUEUE}.fifo`).send(notification);
    expect(requests[0]?.body).toMatchObject({
      MessageGroupId: 'faultline-audit',
      MessageDeduplicationId: createHash('sha256').update(JSON.stringify(notification)).digest('hex'),
    });
  });
});
