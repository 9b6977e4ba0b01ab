import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { coordinationTable } from '../tables/schemas.js';

/**
 * Creates an extra table with the coordination schema (pk/sk strings): an acceptor table for multi-acceptor
 * ballots in tests and the benchmark, where several tables in one DynamoDB Local stand in for several regions.
 * Idempotent.
 *
 * @example
 * await createCoordinationTable(client, 'faultline-acceptor-b');
 */
export async function createCoordinationTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: coordinationTable.partitionKey, AttributeType: 'S' },
          { AttributeName: coordinationTable.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: coordinationTable.partitionKey, KeyType: 'HASH' },
          { AttributeName: coordinationTable.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
}
