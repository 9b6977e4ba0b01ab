import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RingTooLargeError } from '../ring/errors.js';
import { decodeMembers, encodeMembers, type Member } from '../ring/members.js';
import type { RingRecord, RingStore, RingWrite, RingWriteResult } from '../ring/ring-store.js';

export interface DynamoDbRingStoreOptions {
  /** An SDK v3 client; region, credentials and endpoint are the caller's (standard AWS chain). */
  readonly client: DynamoDBClient;
  /** The ring table (`RING_TABLE` in handlers, `--table` in the CLI). */
  readonly tableName: string;
}

/** Well under DynamoDB's 400 KB item limit, so the failure is ours and readable rather than the service's. */
const MAX_ITEM_BYTES = 350_000;

/**
 * `RingStore` on the ring table: one item per ring, `pk = ring#<ringId>`, `sk = ring`, holding `version` (N),
 * `members` (one compact string, see `encodeMembers`), `fences` (map of resource → highest token) and
 * `updatedAt`. Writes are one conditional UpdateItem on the version; a refused write returns the old item
 * (ReturnValuesOnConditionCheckFailure) so a fence refusal is told apart from a version conflict without a
 * second read.
 *
 * @example
 * const store = new DynamoDbRingStore({ client: new DynamoDBClient({}), tableName: process.env.RING_TABLE ?? '' });
 * const ring = await getRing(store, 'default');
 */
export class DynamoDbRingStore implements RingStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbRingStoreOptions) {
    if (!options.tableName) throw new Error('DynamoDbRingStore needs a tableName (RING_TABLE or --table)');
    this.client = options.client;
    this.tableName = options.tableName;
  }

  private key(ringId: string): Record<string, AttributeValue> {
    return { pk: { S: `ring#${ringId}` }, sk: { S: 'ring' } };
  }

  async read(ringId: string): Promise<RingRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(ringId), ConsistentRead: true }),
    );
    return Item ? toRecord(ringId, Item) : undefined;
  }

  async readVersion(ringId: string): Promise<number | undefined> {
    // Eventually consistent and projected: half the read cost of a full strong read. A version that lags by a
    // moment only delays a rebuild; writes never trust it.
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(ringId),
        ProjectionExpression: '#v',
        ExpressionAttributeNames: { '#v': 'version' },
      }),
    );
    return Item?.version?.N === undefined ? undefined : Number(Item.version.N);
  }

  async create(
    ringId: string,
    members: readonly Member[],
    updatedAt: string,
  ): Promise<{ kind: 'created'; version: number } | { kind: 'exists' }> {
    const encoded = checkedMembers(members);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(ringId),
            version: { N: '1' },
            members: { S: encoded },
            fences: { M: {} },
            updatedAt: { S: updatedAt },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { kind: 'created', version: 1 };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'exists' };
      throw error;
    }
  }

  async write(ringId: string, expectedVersion: number, write: RingWrite): Promise<RingWriteResult> {
    const names: Record<string, string> = { '#v': 'version', '#m': 'members', '#u': 'updatedAt' };
    const values: Record<string, AttributeValue> = {
      ':expected': { N: String(expectedVersion) },
      ':next': { N: String(write.version) },
      ':m': { S: checkedMembers(write.members) },
      ':u': { S: write.updatedAt },
    };
    let update = 'SET #m = :m, #v = :next, #u = :u';
    let condition = '#v = :expected';
    if (write.fence) {
      names['#f'] = 'fences';
      names['#r'] = write.fence.resource;
      values[':t'] = { N: String(write.fence.token) };
      update += ', #f.#r = :t';
      condition += ' AND (attribute_not_exists(#f.#r) OR #f.#r <= :t)';
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(ringId),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'written', version: write.version };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { kind: 'missing' };
      const current = toRecord(ringId, error.Item);
      if (current.version !== expectedVersion) return { kind: 'conflict' };
      const highestSeen = write.fence ? current.fences[write.fence.resource] : undefined;
      if (highestSeen !== undefined) return { kind: 'stale-fence', highestSeen };
      return { kind: 'conflict' };
    }
  }
}

function checkedMembers(members: readonly Member[]): string {
  const encoded = encodeMembers(members);
  if (Buffer.byteLength(encoded) > MAX_ITEM_BYTES) {
    throw new RingTooLargeError(
      `${members.length} members do not fit one ring item (${MAX_ITEM_BYTES} bytes)`,
    );
  }
  return encoded;
}

function toRecord(ringId: string, item: Record<string, AttributeValue>): RingRecord {
  const fences: Record<string, number> = {};
  for (const [resource, value] of Object.entries(item.fences?.M ?? {})) {
    if (value.N !== undefined) fences[resource] = Number(value.N);
  }
  return {
    ringId,
    version: Number(item.version?.N ?? '0'),
    members: decodeMembers(item.members?.S ?? ''),
    fences,
    ...(item.updatedAt?.S ? { updatedAt: item.updatedAt.S } : {}),
  };
}
