import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  classify,
  type DynamoDbSender,
  fromAttribute,
  num,
  str,
  toAttribute,
} from './dynamodb-coordination-common.js';

/**
 * DynamoDB pieces used only by the coordination proofs and the benchmark: a guarded log to check fencing against,
 * the unfenced write a broken variant makes, and the naive lock the benchmark compares with. Not for production.
 */

/** Key of the guarded log item the lease workload writes for `resource`. */
export const guardedLogKey = (resource: string) => ({ pk: `guarded#${resource}`, sk: 'log' });

/** Negative control: appends to a guarded log with no fence at all. */
export async function unfencedAppend(
  client: DynamoDbSender,
  tableName: string,
  key: { pk: string; sk: string },
  attribute: string,
  entry: unknown,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      UpdateExpression: 'SET #a = list_append(if_not_exists(#a, :empty), :e)',
      ExpressionAttributeNames: { '#a': attribute },
      ExpressionAttributeValues: { ':empty': { L: [] }, ':e': { L: [toAttribute(entry)] } },
    }),
  );
}

/** Strongly consistent read of one item as plain data. */
export async function readItem(
  client: DynamoDbSender,
  tableName: string,
  key: { pk: string; sk: string },
): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  return out.Item ? (fromAttribute({ M: out.Item }) as Record<string, unknown>) : undefined;
}

/** One plain conditional UpdateItem: the benchmark's latency unit. */
export async function plainConditionalUpdate(
  client: DynamoDbSender,
  tableName: string,
  id: string,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { pk: { S: `bench#${id}` }, sk: { S: 'plain' } },
      UpdateExpression: 'ADD #n :one',
      ConditionExpression: 'attribute_not_exists(#n) OR #n >= :zero',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' } },
    }),
  );
}

/**
 * The benchmark's baseline: a naive lock that reads the item, then writes it conditioned on the version it read,
 * trusting wall-clock expiry and releasing by owner name. Two requests per acquisition, no fencing token.
 */
export class NaiveDynamoDbLock {
  constructor(
    private readonly client: DynamoDbSender,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(resource: string, owner: string, leaseMs: number): Promise<boolean> {
    const Key = { pk: { S: `naive#${resource}` }, sk: { S: 'lock' } };
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
    );
    const version = num(out.Item, 'version');
    const free =
      !out.Item || str(out.Item, 'owner') === '' || (num(out.Item, 'expiresAtMs') ?? 0) <= this.now();
    if (!free) return false;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...Key,
            owner: { S: owner },
            version: { N: String((version ?? 0) + 1) },
            expiresAtMs: { N: String(this.now() + leaseMs) },
          },
          ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(version === undefined ? {} : { ExpressionAttributeValues: { ':v': { N: String(version) } } }),
        }),
      );
      return true;
    } catch (error) {
      if (classify(error) === 'conditional') return false;
      throw error;
    }
  }

  async release(resource: string, owner: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `naive#${resource}` }, sk: { S: 'lock' } },
          UpdateExpression: 'SET #o = :empty',
          ConditionExpression: '#o = :o',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':o': { S: owner }, ':empty': { S: '' } },
        }),
      )
      .catch((error: unknown) => {
        if (classify(error) !== 'conditional') throw error;
      });
  }
}
