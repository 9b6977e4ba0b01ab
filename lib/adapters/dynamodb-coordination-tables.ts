import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../tables/create-tables.js';
import { coordinationTable } from '../tables/schemas.js';

/**
 * Creates an extra table with the coordination schema (pk/sk strings): an acceptor table for multi-acceptor
 * ballots in tests and the benchmark, where several tables in one DynamoDB Local stand in for several regions.
 * Idempotent.
 *
 * @example
 * await createCoordinationTable(client, 'faultline-acceptor-b');
 */
export function createCoordinationTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return createTable(client, coordinationTable, tableName);
}
