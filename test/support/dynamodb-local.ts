import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { createTables, localTableNames, type TableNames } from '../../lib/tables/index.js';

export interface DynamoDbLocalFixture {
  readonly ddb: DynamoDbLocal;
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
}

/**
 * Starts one DynamoDB Local for the calling test file, with every Faultline table created, and stops it after.
 * Read `fixture()` inside tests or hooks (it throws before `beforeAll` has run).
 *
 * @example
 * const fixture = useDynamoDbLocal();
 * it('writes', async () => { await fixture().client.send(...) });
 */
export function useDynamoDbLocal(): () => DynamoDbLocalFixture {
  let current: DynamoDbLocalFixture | undefined;
  beforeAll(async () => {
    const ddb = await startDynamoDbLocal();
    const client = ddb.client();
    const tables = localTableNames();
    await createTables(client, tables);
    current = { ddb, client, tables };
  });
  afterAll(async () => {
    current?.client.destroy();
    await current?.ddb.stop();
  });
  return () => {
    if (!current) throw new Error('DynamoDB Local is not started yet: call fixture() inside a test or hook');
    return current;
  };
}
