/**
 * Table schemas, defined once: the CDK stack and the embedded local runtime both build their tables from these.
 *
 * Every table uses the same generic key (`pk`, `sk`, both strings) so each module can lay out its own item types
 * without a schema change; `expiresAt` (epoch seconds) is the TTL attribute where items expire.
 */
export interface TableSchema {
  /** Logical name: the CDK construct id and the key of the env var that carries the physical name. */
  readonly logicalName: 'Coordination' | 'Ring' | 'Incidents';
  /** Environment variable through which handlers and CLI learn the physical table name. */
  readonly envVar: 'COORDINATION_TABLE' | 'RING_TABLE' | 'INCIDENTS_TABLE';
  /** Physical name used by the local runtime (a deployed stack lets CloudFormation name the table). */
  readonly localName: string;
  readonly partitionKey: 'pk';
  readonly sortKey: 'sk';
  readonly ttlAttribute: 'expiresAt';
  readonly description: string;
}

const base = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

export const coordinationTable: TableSchema = {
  ...base,
  logicalName: 'Coordination',
  envVar: 'COORDINATION_TABLE',
  localName: 'faultline-coordination',
  description:
    'Leases, semaphores and ballots. Lease items are never deleted: their fencing token must not reset.',
};

export const ringTable: TableSchema = {
  ...base,
  logicalName: 'Ring',
  envVar: 'RING_TABLE',
  localName: 'faultline-ring',
  description: 'Consistent-hash ring membership: one versioned item per ring.',
};

export const incidentsTable: TableSchema = {
  ...base,
  logicalName: 'Incidents',
  envVar: 'INCIDENTS_TABLE',
  localName: 'faultline-incidents',
  description:
    'Incidents, their timelines, per-resource open-incident guards, intake idempotency and miner state.',
};

export const tableSchemas: readonly TableSchema[] = [coordinationTable, ringTable, incidentsTable];
