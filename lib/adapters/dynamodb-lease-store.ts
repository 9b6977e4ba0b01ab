import {
  type AttributeValue,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  FencedConditionFailedError,
  LeaseLostError,
  LeaseUnknownError,
  StaleFencingTokenError,
  ThrottledError,
} from '../leases/errors.js';
import type { Incarnation, Lease, LeaseKey, LeaseRecord } from '../leases/lease.js';
import type { AcquireWrite, FencedWrite, LeaseStore, WriteOutcome } from '../leases/lease-store.js';
import {
  cancellationReasons,
  classify,
  conditionalItem,
  type DynamoDbSender,
  num,
  str,
  toAttribute,
} from './dynamodb-coordination-common.js';

export interface DynamoDbLeaseStoreOptions {
  readonly client: DynamoDbSender;
  /** The coordination table (callers pass `process.env.COORDINATION_TABLE`). */
  readonly tableName: string;
}

/** Item key of a lease or of one semaphore slot in the coordination table. */
export function leaseItemKey(key: LeaseKey): { pk: string; sk: string } {
  return key.slot === undefined
    ? { pk: `lease#${key.resource}`, sk: 'lease' }
    : { pk: `semaphore#${key.resource}`, sk: `slot#${String(key.slot).padStart(4, '0')}` };
}

// Attribute names are aliased everywhere: `owner`, `token` and friends collide with DynamoDB reserved words.
// The holder's wall-clock expiry is deliberately NOT `expiresAt` (the table's TTL attribute): lease items must
// never be deleted, or the fencing token would reset.
export const LEASE_ATTRIBUTE_NAMES = {
  '#token': 'token',
  '#nonce': 'nonce',
  '#owner': 'owner',
  '#beat': 'beat',
  '#released': 'released',
  '#leaseMs': 'leaseMs',
  '#exp': 'holderExpiresAtWallMs',
};
const NAMES = LEASE_ATTRIBUTE_NAMES;

/**
 * Leases in the coordination table, one item per lease (or semaphore slot), mutated only by conditional writes.
 * Acquiring a free lease is one UpdateItem with ReturnValuesOnConditionCheckFailure=ALL_OLD, no read first.
 *
 * @example
 * const store = new DynamoDbLeaseStore({ client: new DynamoDBClient({}), tableName: process.env.COORDINATION_TABLE! });
 * const leases = new Leases(store);
 */
export class DynamoDbLeaseStore implements LeaseStore {
  private readonly client: DynamoDbSender;
  readonly tableName: string;

  constructor(options: DynamoDbLeaseStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  acquire(key: LeaseKey, write: AcquireWrite): Promise<WriteOutcome> {
    const values: Record<string, AttributeValue> = {
      ':owner': { S: write.owner },
      ':nonce': { S: write.nonce },
      ':zero': { N: '0' },
      ':one': { N: '1' },
      ':false': { BOOL: false },
      ':true': { BOOL: true },
      ':leaseMs': { N: String(write.leaseMs) },
      ':exp': { N: String(write.expiresAtWallMs) },
    };
    const allowed = ['attribute_not_exists(#token)', '#released = :true'];
    if (write.takeover) {
      values[':tt'] = { N: String(write.takeover.token) };
      values[':tn'] = { S: write.takeover.nonce };
      values[':tb'] = { N: String(write.takeover.beat) };
      allowed.push('(#token = :tt AND #nonce = :tn AND #beat = :tb)');
    }
    if (write.wallCutoffMs !== undefined) {
      values[':cut'] = { N: String(write.wallCutoffMs) };
      allowed.push('#exp <= :cut');
    }
    return this.update(key, {
      // ADD creates the token at 0 + 1 on first use and increments it on every acquisition after.
      UpdateExpression:
        'SET #owner = :owner, #nonce = :nonce, #beat = :zero, #released = :false, #leaseMs = :leaseMs, #exp = :exp ADD #token :one',
      ConditionExpression: allowed.join(' OR '),
      ExpressionAttributeValues: values,
    });
  }

  renew(key: LeaseKey, incarnation: Incarnation, expiresAtWallMs: number): Promise<WriteOutcome> {
    return this.update(key, {
      UpdateExpression: 'SET #beat = #beat + :one, #exp = :exp',
      ConditionExpression: '#token = :t AND #nonce = :n AND #released = :false',
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':exp': { N: String(expiresAtWallMs) },
        ':t': { N: String(incarnation.token) },
        ':n': { S: incarnation.nonce },
        ':false': { BOOL: false },
      },
    });
  }

  release(key: LeaseKey, incarnation: Incarnation): Promise<WriteOutcome> {
    return this.update(key, {
      UpdateExpression: 'SET #released = :true',
      ConditionExpression: '#token = :t AND #nonce = :n',
      ExpressionAttributeValues: {
        ':true': { BOOL: true },
        ':t': { N: String(incarnation.token) },
        ':n': { S: incarnation.nonce },
      },
    });
  }

  async read(key: LeaseKey): Promise<LeaseRecord | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }),
      );
      return toRecord(out.Item);
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async fencedWrite(lease: Lease, write: FencedWrite, requestToken: string): Promise<void> {
    const fence = write.fenceAttribute ?? 'fenceToken';
    const names: Record<string, string> = { '#fence': fence };
    const values: Record<string, AttributeValue> = { ':tok': { N: String(lease.token) } };
    const sets = ['#fence = :tok'];
    const adds: string[] = [];
    let i = 0;
    for (const [name, value] of Object.entries(write.set ?? {})) {
      names[`#s${i}`] = name;
      values[`:s${i}`] = toAttribute(value);
      sets.push(`#s${i} = :s${i}`);
      i++;
    }
    for (const [name, items] of Object.entries(write.append ?? {})) {
      names[`#s${i}`] = name;
      values[`:s${i}`] = toAttribute(items);
      values[':emptyList'] = { L: [] };
      sets.push(`#s${i} = list_append(if_not_exists(#s${i}, :emptyList), :s${i})`);
      i++;
    }
    for (const [name, n] of Object.entries(write.add ?? {})) {
      names[`#s${i}`] = name;
      values[`:s${i}`] = { N: String(n) };
      adds.push(`#s${i} :s${i}`);
      i++;
    }
    const command = new TransactWriteItemsCommand({
      // Same token on a retry: DynamoDB applies the transaction at most once (within ten minutes).
      ClientRequestToken: requestToken.slice(0, 36),
      TransactItems: [
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: this.key(lease),
            ConditionExpression: '#token = :t AND #nonce = :n AND #released = :false',
            ExpressionAttributeNames: { '#token': 'token', '#nonce': 'nonce', '#released': 'released' },
            ExpressionAttributeValues: {
              ':t': { N: String(lease.token) },
              ':n': { S: lease.nonce },
              ':false': { BOOL: false },
            },
          },
        },
        {
          Update: {
            TableName: write.table ?? this.tableName,
            Key: { pk: { S: write.key.pk }, sk: { S: write.key.sk } },
            UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_not_exists(#fence) OR #fence <= :tok',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.client.send(command);
        return;
      } catch (error) {
        const kind = classify(error);
        if (kind === 'canceled') {
          const [leaseCheck, update] = cancellationReasons(error);
          if (leaseCheck?.Code === 'ConditionalCheckFailed') {
            throw new LeaseLostError(
              `fenced write refused: lease on ${lease.resource} (token ${lease.token}) is no longer current`,
              lease.resource,
              'superseded',
            );
          }
          if (update?.Code === 'ConditionalCheckFailed') {
            const seen = num(update.Item, fence);
            if (seen !== undefined && seen > lease.token) {
              throw new StaleFencingTokenError(
                `fenced write refused: ${write.key.pk} has accepted token ${seen} > ${lease.token}`,
                lease.token,
                seen,
              );
            }
            throw new FencedConditionFailedError(
              `fenced write to ${write.key.pk} refused by its own condition`,
            );
          }
          throw new ThrottledError(`fenced write canceled: ${reasonCodes(error)}`);
        }
        if (kind === 'throttled') throw new ThrottledError(`fenced write throttled: ${String(error)}`);
        if (kind === 'fatal') throw error;
        // Ambiguous: resend with the same ClientRequestToken, which DynamoDB deduplicates.
      }
    }
    throw new LeaseUnknownError(
      `fenced write to ${write.key.pk}: outcome unknown after retries`,
      lease.resource,
    );
  }

  private key(key: LeaseKey): Record<string, AttributeValue> {
    const k = leaseItemKey(key);
    return { pk: { S: k.pk }, sk: { S: k.sk } };
  }

  private async update(
    key: LeaseKey,
    input: Pick<
      UpdateItemCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<WriteOutcome> {
    const names = Object.fromEntries(
      Object.entries(NAMES).filter(([alias]) =>
        `${input.UpdateExpression} ${input.ConditionExpression}`.includes(alias),
      ),
    );
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(key),
          ...input,
          ExpressionAttributeNames: names,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const record = toRecord(out.Attributes);
      if (!record) throw new Error('UpdateItem returned no attributes');
      return { ok: true, record };
    } catch (error) {
      if (classify(error) === 'conditional') return { ok: false, current: toRecord(conditionalItem(error)) };
      throw this.translate(error, key);
    }
  }

  private translate(error: unknown, key: LeaseKey): Error {
    switch (classify(error)) {
      case 'throttled':
        return new ThrottledError(`lease ${key.resource}: ${String(error)}`);
      case 'fatal':
        return error as Error;
      default:
        return new LeaseUnknownError(
          `lease ${key.resource}: outcome unknown (${String(error)})`,
          key.resource,
        );
    }
  }
}

function toRecord(item: Record<string, AttributeValue> | undefined): LeaseRecord | undefined {
  const token = num(item, 'token');
  if (!item || token === undefined) return undefined;
  return {
    token,
    nonce: str(item, 'nonce') ?? '',
    owner: str(item, 'owner') ?? '',
    beat: num(item, 'beat') ?? 0,
    released: item.released?.BOOL ?? false,
    leaseMs: num(item, 'leaseMs') ?? 0,
    expiresAtWallMs: num(item, 'holderExpiresAtWallMs') ?? 0,
  };
}

const reasonCodes = (error: unknown): string =>
  cancellationReasons(error)
    .map((r) => r.Code ?? 'None')
    .join(',');
