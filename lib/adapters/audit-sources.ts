import { createHash } from 'node:crypto';
import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { type AttributeValue, ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type {
  AlarmItem,
  AlarmSource,
  AlarmState,
  LeaseItem,
  LeaseItemSource,
  QueueDepth,
  QueueDepthSource,
  RingItem,
  RingItemSource,
} from '../audit/audit-sources.js';
import { AuditSourceError } from '../audit/errors.js';
import type { AuditNotification, AuditNotifier } from '../audit/notification.js';
import { type DynamoDbSender, num, str } from './dynamodb-coordination-common.js';
import { LEASE_ATTRIBUTE_NAMES } from './dynamodb-lease-store.js';

/** Runs one SDK call; any failure becomes `AuditSourceError` carrying the SDK error's name as `code`. */
async function call<T>(source: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    const code = typeof e?.name === 'string' ? e.name : 'Error';
    const detail = typeof e?.message === 'string' && e.message ? `: ${e.message}` : '';
    throw new AuditSourceError(`${operation} failed: ${code}${detail}`, source, code, { cause: error });
  }
}

/** Every page of a Scan (following LastEvaluatedKey), items only. */
async function scanAll(
  client: DynamoDbSender,
  source: string,
  input: ScanCommandInput,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await call(source, `dynamodb:Scan ${input.TableName}`, () =>
      client.send(new ScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface DynamoDbAuditSourceOptions {
  readonly client: DynamoDbSender;
  readonly tableName: string;
  /** Scan `Limit` per page (tests use a small one to exercise pagination). @default - DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

/**
 * Item key of a lease or semaphore slot → `{ resource, slot? }`; undefined for any other coordination item
 * (ballots share the table). The inverse of `leaseItemKey` in dynamodb-lease-store.ts.
 *
 * @example
 * parseLeaseItemKey('semaphore#recovery', 'slot#0002'); // { resource: 'recovery', slot: 2 }
 */
export function parseLeaseItemKey(pk: string, sk: string): { resource: string; slot?: number } | undefined {
  if (pk.startsWith('lease#') && sk === 'lease') return { resource: pk.slice('lease#'.length) };
  const slot = /^slot#(\d+)$/.exec(sk);
  if (pk.startsWith('semaphore#') && slot?.[1]) {
    return { resource: pk.slice('semaphore#'.length), slot: Number(slot[1]) };
  }
  return undefined;
}

/**
 * `LeaseItemSource` over the coordination table: one paginated Scan, filtered to lease and semaphore items and
 * projected to the lease attributes. An audit runs hourly, so a Scan's cost (the whole table's read units) is
 * the price of needing no index; the table holds one item per resource ever leased, plus ballots.
 *
 * @example
 * const leases = new DynamoDbLeaseItemSource({ client: new DynamoDBClient({}), tableName: process.env.COORDINATION_TABLE! });
 * await leases.listLeaseItems();
 */
export class DynamoDbLeaseItemSource implements LeaseItemSource {
  constructor(private readonly options: DynamoDbAuditSourceOptions) {}

  async listLeaseItems(): Promise<LeaseItem[]> {
    const items = await scanAll(this.options.client, 'coordination-table', {
      TableName: this.options.tableName,
      FilterExpression: '(begins_with(pk, :lease) AND sk = :leaseSk) OR begins_with(pk, :semaphore)',
      // Aliased: `token`, `owner` and friends are DynamoDB reserved words.
      ProjectionExpression: 'pk, sk, #token, #nonce, #owner, #beat, #released, #leaseMs, #exp',
      ExpressionAttributeNames: LEASE_ATTRIBUTE_NAMES,
      ExpressionAttributeValues: {
        ':lease': { S: 'lease#' },
        ':leaseSk': { S: 'lease' },
        ':semaphore': { S: 'semaphore#' },
      },
      ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
    });
    const out: LeaseItem[] = [];
    for (const item of items) {
      const key = parseLeaseItemKey(str(item, 'pk') ?? '', str(item, 'sk') ?? '');
      const token = num(item, 'token');
      // No token: not a lease item after all (or one mid-creation); nothing to audit.
      if (!key || token === undefined) continue;
      out.push({
        ...key,
        token,
        nonce: str(item, 'nonce') ?? '',
        owner: str(item, 'owner') ?? '',
        beat: num(item, 'beat') ?? 0,
        released: item.released?.BOOL ?? false,
        leaseMs: num(item, 'leaseMs') ?? 0,
        holderExpiresAtWallMs: num(item, 'holderExpiresAtWallMs') ?? 0,
      });
    }
    return out;
  }
}

/**
 * `RingItemSource` over the ring table: one paginated Scan of the `ring#<ringId>` / `ring` items (layout in
 * dynamodb-ring-store.ts), members left encoded for the check to decode.
 *
 * @example
 * const rings = new DynamoDbRingItemSource({ client: new DynamoDBClient({}), tableName: process.env.RING_TABLE! });
 * await rings.listRings(); // [{ ringId: 'default', version: 7, encodedMembers: 'node-a\nnode-b|w=2', ... }]
 */
export class DynamoDbRingItemSource implements RingItemSource {
  constructor(private readonly options: DynamoDbAuditSourceOptions) {}

  async listRings(): Promise<RingItem[]> {
    const items = await scanAll(this.options.client, 'ring-table', {
      TableName: this.options.tableName,
      FilterExpression: 'begins_with(pk, :ring) AND sk = :ringSk',
      ProjectionExpression: 'pk, #version, #members, #updatedAt',
      ExpressionAttributeNames: { '#version': 'version', '#members': 'members', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':ring': { S: 'ring#' }, ':ringSk': { S: 'ring' } },
      ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
    });
    return items.map((item) => {
      const updatedAt = str(item, 'updatedAt');
      return {
        ringId: (str(item, 'pk') ?? '').slice('ring#'.length),
        version: num(item, 'version') ?? 0,
        encodedMembers: str(item, 'members') ?? '',
        ...(updatedAt ? { updatedAt } : {}),
      };
    });
  }
}

export interface CloudWatchAlarmSourceOptions {
  /** DescribeAlarms `MaxRecords` (1-100). @default 100 */
  readonly pageSize?: number;
}

/**
 * `AlarmSource` over CloudWatch DescribeAlarms: every metric and composite alarm, all pages. The watch filter is
 * applied by the check, not here, because the construct's filter mixes exact names and several prefixes and
 * DescribeAlarms takes one prefix per call.
 *
 * @example
 * await new CloudWatchAlarmSource(new CloudWatchClient({})).listAlarms();
 */
export class CloudWatchAlarmSource implements AlarmSource {
  constructor(
    private readonly cloudwatch: Pick<CloudWatchClient, 'send'>,
    private readonly options: CloudWatchAlarmSourceOptions = {},
  ) {}

  async listAlarms(): Promise<AlarmItem[]> {
    const out: AlarmItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call('cloudwatch-alarms', 'cloudwatch:DescribeAlarms', () =>
        this.cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: this.options.pageSize ?? 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const alarm of page.MetricAlarms ?? [])
        out.push(toAlarm(alarm, 'metric', metricDimensions(alarm)));
      for (const alarm of page.CompositeAlarms ?? []) out.push(toAlarm(alarm, 'composite', []));
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }
}

interface AlarmCommon {
  AlarmName?: string | undefined;
  StateValue?: string | undefined;
  StateTransitionedTimestamp?: Date | undefined;
  StateUpdatedTimestamp?: Date | undefined;
}

function toAlarm(
  alarm: AlarmCommon,
  type: AlarmItem['type'],
  dimensions: AlarmItem['dimensions'],
): AlarmItem {
  // The transition time is when the state began; StateUpdatedTimestamp also moves on reason-only updates.
  const since = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
  return {
    name: alarm.AlarmName ?? '',
    type,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState,
    ...(since ? { stateSinceMs: since.getTime() } : {}),
    dimensions,
  };
}

/** Dimensions of the alarm's metric, or of every metric in its metric-math expression. */
function metricDimensions(alarm: MetricAlarm): AlarmItem['dimensions'] {
  const all = [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []),
  ];
  return all.map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
}

/**
 * `QueueDepthSource` over SQS GetQueueAttributes (the three approximate counts, one request per queue).
 *
 * @example
 * await new SqsQueueDepthSource(new SQSClient({})).queueDepth(url); // { url, visible: 3, inFlight: 0, delayed: 0 }
 */
export class SqsQueueDepthSource implements QueueDepthSource {
  constructor(private readonly sqs: Pick<SQSClient, 'send'>) {}

  async queueDepth(url: string): Promise<QueueDepth> {
    const out = await call('sqs', 'sqs:GetQueueAttributes', () =>
      this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      ),
    );
    const count = (name: string) => Number(out.Attributes?.[name as keyof typeof out.Attributes] ?? 0) || 0;
    return {
      url,
      visible: count('ApproximateNumberOfMessages'),
      inFlight: count('ApproximateNumberOfMessagesNotVisible'),
      delayed: count('ApproximateNumberOfMessagesDelayed'),
    };
  }
}

/**
 * `AuditNotifier` sending one SQS message per audit. The body is the notification's JSON; a `contentSha256`
 * message attribute carries its hash so consumers can deduplicate a redelivered audit without parsing. On a FIFO
 * queue the same hash is the MessageDeduplicationId, and SQS drops the duplicate itself.
 *
 * @example
 * await new SqsAuditNotifier(new SQSClient({}), process.env.NOTIFICATIONS_QUEUE_URL!).send(notification);
 */
export class SqsAuditNotifier implements AuditNotifier {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async send(notification: AuditNotification): Promise<void> {
    const body = JSON.stringify(notification);
    const hash = createHash('sha256').update(body).digest('hex');
    const fifo = this.queueUrl.endsWith('.fifo');
    await call('sqs', 'sqs:SendMessage', () =>
      this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'audit' },
            contentSha256: { DataType: 'String', StringValue: hash },
          },
          ...(fifo ? { MessageGroupId: 'faultline-audit', MessageDeduplicationId: hash } : {}),
        }),
      ),
    );
  }
}
