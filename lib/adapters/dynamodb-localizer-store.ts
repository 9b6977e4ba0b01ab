import { gunzipSync, gzipSync } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { LocalizerState, LocalizerStore, StoredSuspect } from '../suspects/localizer-store.js';

export interface DynamoDbLocalizerStoreOptions {
  readonly client: DynamoDBClient;
  /** The incidents table (localizer state and rankings live beside the incidents they explain). */
  readonly tableName: string;
}

/**
 * Localizer state in the incidents table: `LOCALIZER#<logGroup>` / `STATE` holds the miner and scorer state
 * gzipped into one binary attribute (well under the 400 KB item limit) and a version for conditional saves;
 * `SUSPECTS#<resourceId>` / `LATEST` holds the latest ranking.
 */
export class DynamoDbLocalizerStore implements LocalizerStore {
  constructor(private readonly options: DynamoDbLocalizerStoreOptions) {}

  async load(logGroup: string): Promise<{ state: LocalizerState | undefined; version: number }> {
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: `LOCALIZER#${logGroup}` }, sk: { S: 'STATE' } },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item?.state?.B) return { state: undefined, version: 0 };
    const state = JSON.parse(gunzipSync(item.state.B).toString('utf8')) as LocalizerState;
    return { state, version: Number(item.version?.N ?? 0) };
  }

  async save(
    logGroup: string,
    state: LocalizerState,
    expectedVersion: number,
  ): Promise<'saved' | 'conflict'> {
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: { S: `LOCALIZER#${logGroup}` },
            sk: { S: 'STATE' },
            state: { B: gzipSync(JSON.stringify(state)) },
            version: { N: String(expectedVersion + 1) },
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } } }),
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async putSuspects(resourceId: string, suspects: readonly StoredSuspect[], at: string): Promise<void> {
    await this.options.client
      .send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: { S: `SUSPECTS#${resourceId}` },
            sk: { S: 'LATEST' },
            suspects: { S: JSON.stringify(suspects) },
            at: { S: at },
          },
          // Rankings arrive out of order across log streams: never let an older one replace a newer one.
          ConditionExpression: 'attribute_not_exists(pk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': { S: at } },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async getSuspects(resourceId: string): Promise<{ suspects: StoredSuspect[]; at: string } | undefined> {
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: `SUSPECTS#${resourceId}` }, sk: { S: 'LATEST' } },
        ConsistentRead: true,
      }),
    );
    if (!out.Item?.suspects?.S) return undefined;
    return { suspects: JSON.parse(out.Item.suspects.S) as StoredSuspect[], at: String(out.Item.at?.S) };
  }
}
