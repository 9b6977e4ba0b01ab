import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLeaseStore } from '../../../lib/adapters/dynamodb-lease-store.js';
import { DynamoDbRingStore } from '../../../lib/adapters/dynamodb-ring-store.js';
import type { AuditNotification } from '../../../lib/audit/index.js';
import { Leases } from '../../../lib/leases/index.js';
import { localAwsConfig } from '../../../lib/local/local-aws-config.js';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.js';
import { createRing, member } from '../../../lib/ring/index.js';
import { ManualClock } from '../../../lib/testing/index.js';

/**
 * The real audit handler, as synthesized, on the embedded runtime: DynamoDB Local, the fauxqs SQS emulator and the
 * CloudWatch emulator, reached through the handler's own SDK clients and adapters.
 */
const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 26, 1, 0, 0);
const scheduled = (time: string) => ({
  version: '0',
  id: 'c1a3e5d2-0000-4000-8000-000000000001',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time,
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/AuditSchedule'],
  detail: {},
});

let runtime: LocalRuntime;
let dlqUrl: string;
let emptyDlqUrl: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({ waitMs: 0, now: () => start });
  const client = runtime.dynamodb.client();
  const clock = new ManualClock('audit-handler-it', start);
  const leases = new Leases(new DynamoDbLeaseStore({ client, tableName: runtime.tables.Coordination }), {
    clock,
  });
  const held = await leases.acquire('i-crashed', 'recovery-1', 120_000);
  expect(held.kind).toBe('acquired');
  await createRing(
    new DynamoDbRingStore({ client, tableName: runtime.tables.Ring }),
    'default',
    [member('node-a'), member('node-b', 1, 'down')],
    { now: () => new Date(start) },
  );
  client.destroy();
  // An alarm on the ring that never gets data: it stays INSUFFICIENT_DATA from `start` on.
  runtime.cloudwatch.putMetricAlarm({
    alarmName: 'fleet-default-errors',
    namespace: 'App',
    metricName: 'Errors',
    dimensions: { RingId: 'default' },
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
  const dlqs = Object.entries(runtime.queues)
    .filter(([key]) => /Dlq/i.test(key))
    .map(([, url]) => url)
    .sort();
  expect(dlqs.length).toBeGreaterThanOrEqual(2);
  [dlqUrl = '', emptyDlqUrl = ''] = dlqs;
  const sqs = new SQSClient({ ...localAwsConfig(), endpoint: runtime.endpoints.sqs });
  await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"dropped":true}' }));
  sqs.destroy();
  // The lead's stack will set this; the synthesized environment may not carry it yet.
  process.env.DLQ_URLS = JSON.stringify([dlqUrl, emptyDlqUrl]);
}, 180_000);

afterAll(async () => {
  delete process.env.DLQ_URLS;
  await runtime?.stop();
});

describe('audit handler on the embedded runtime', () => {
  it('reports every kind of weak spot in one notification, and the same one again on redelivery', async () => {
    const event = scheduled('2026-11-26T03:00:00Z');
    const outcome = (await runtime.invoke('audit', event)) as { findings: number; notified: boolean };
    expect(outcome.notified).toBe(true);
    const notificationsUrl = runtime.queues.NOTIFICATIONS_QUEUE_URL ?? '';
    const messages = (await runtime.peekQueue(notificationsUrl)).filter(
      (m): m is AuditNotification => (m as { kind?: string }).kind === 'audit',
    );
    expect(messages).toHaveLength(1);
    const [message] = messages as [AuditNotification];
    expect(message.at).toBe('2026-11-26T03:00:00.000Z');
    expect(message.findings.map((f) => [f.check, f.severity, f.resource])).toEqual([
      ['alarm-insufficient-data', 'critical', 'alarm:fleet-default-errors'],
      ['dlq-depth', 'warning', dlqUrl],
      ['ring-member-not-up', 'critical', 'ring:default/node-b'],
      ['stale-lease', 'warning', 'lease:i-crashed'],
    ]);
    expect(outcome.findings).toBe(4);
    expect(
      message.findings.find((f) => f.check === 'alarm-insufficient-data')?.detail.insufficientForMs,
    ).toBe(2 * HOUR);

    await runtime.invoke('audit', event);
    const after = (await runtime.peekQueue(notificationsUrl)).filter(
      (m) => (m as { kind?: string }).kind === 'audit',
    );
    expect(after).toHaveLength(2);
    expect(JSON.stringify(after[1])).toBe(JSON.stringify(after[0]));
  });
});
