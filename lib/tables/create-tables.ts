import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { coordinationTable, incidentsTable, ringTable, type TableSchema, tableSchemas } from './schemas.js';

/** Table names keyed by logical name; defaults to each schema's local name. */
export type TableNames = Record<TableSchema['logicalName'], string>;

export const localTableNames = (): TableNames => ({
  Coordination: coordinationTable.localName,
  Ring: ringTable.localName,
  Incidents: incidentsTable.localName,
});

/**
 * Creates every table from the shared schemas (the local runtime's equivalent of the CDK tables).
 * Idempotent: an existing table is left as it is, so `faultline local --data DIR` can restart on old data.
 */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames = localTableNames(),
): Promise<void> {
  await Promise.all(tableSchemas.map((schema) => createTable(client, schema, names[schema.logicalName])));
}

/**
 * Creates one table with a schema's keys and TTL (the local runtime's tables, or extra ones such as the
 * acceptor tables that stand in for other regions in tests). Idempotent.
 */
export async function createTable(
  client: DynamoDBClient,
  schema: TableSchema,
  TableName: string,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: schema.partitionKey, AttributeType: 'S' },
          { AttributeName: schema.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: schema.partitionKey, KeyType: 'HASH' },
          { AttributeName: schema.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName });
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: schema.ttlAttribute, Enabled: true },
      }),
    )
    .catch((error: unknown) => {
      // Re-enabling TTL on a restarted data dir fails with "already enabled": that is the state we want.
      if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
    });
}
