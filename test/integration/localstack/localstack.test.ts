import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbLeaseStore } from '../../../lib/adapters/dynamodb-lease-store.js';
import { DynamoDbRingStore } from '../../../lib/adapters/dynamodb-ring-store.js';
import { runDrill } from '../../../lib/drill/drill.js';
import { Leases } from '../../../lib/leases/index.js';
import { createRing, drain, getRing, member } from '../../../lib/ring/index.js';
import { createTables } from '../../../lib/tables/index.js';

/**
 * The LocalStack route: the same adapters against LocalStack's DynamoDB, reached the standard way (an endpoint
 * URL). Runs only when an endpoint answers; LocalStack needs Docker, which the development machines lack.
 */
const endpoint = process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566';

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_localstack/health`, { signal: AbortSignal.timeout(1500) });
    return response.ok;
  } catch {
    return false;
  }
}

const reachable = await answers(endpoint);
if (!reachable) {
  console.info(
    `LocalStack tests skipped: no LocalStack answered at ${endpoint} (set LOCALSTACK_ENDPOINT to run them).`,
  );
}

describe.runIf(reachable)('on LocalStack', () => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const suffix = Date.now().toString(36);
  const tables = {
    Coordination: `faultline-coordination-${suffix}`,
    Ring: `faultline-ring-${suffix}`,
    Incidents: `faultline-incidents-${suffix}`,
  };

  it('creates the tables and runs a fenced lease and a ring drain', async () => {
    await createTables(client, tables);
    const leases = new Leases(new DynamoDbLeaseStore({ client, tableName: tables.Coordination }));
    const first = await leases.acquire('fleet/checkout', 'drill', 30_000);
    expect(first.kind).toBe('acquired');
    if (first.kind !== 'acquired') return;
    const store = new DynamoDbRingStore({ client, tableName: tables.Ring });
    await createRing(
      store,
      'checkout',
      ['node-1', 'node-2', 'node-3'].map((id) => member(id)),
    );
    const drained = await drain({
      store,
      ringId: 'checkout',
      nodeId: 'node-2',
      fence: { resource: 'fleet/checkout', token: first.lease.token },
    });
    expect(drained.changed).toBe(true);
    const ring = await getRing(store, 'checkout', { maxAgeMs: 0 });
    expect(ring.lookup('any-key')).not.toBe('node-2');
    await leases.release(first.lease);
  });

  it('runs the crash drill with DynamoDB and SQS on LocalStack', async () => {
    const result = await runDrill({ scenario: 'crash', endpoint });
    expect(result).toMatchObject({ recovered: true, suspect: 'node-4' });
  });
});
