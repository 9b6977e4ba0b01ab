import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../../lib/drill/drill.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../lib/local/dynamodb-local.js';

/**
 * The route LocalStack takes (`npm start -- --endpoint URL`): DynamoDB and SQS at endpoints that are already up,
 * which the runtime neither starts nor stops, with per-run table and queue names. Exercised here against a
 * DynamoDB Local and an SQS emulator started as if they were someone else's services.
 */
let dynamodb: DynamoDbLocal;
let sqs: Awaited<ReturnType<typeof startFauxqs>>;

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal();
  sqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
});
afterAll(async () => {
  await sqs?.stop();
  await dynamodb?.stop();
});

describe('the drill against external endpoints', () => {
  it('recovers, leaving the services running and its own prefixed tables behind', async () => {
    const result = await runDrill({
      scenario: 'crash',
      endpoint: { dynamodb: dynamodb.endpoint, sqs: `http://127.0.0.1:${sqs.port}` },
    });
    expect(result).toMatchObject({ recovered: true, suspect: 'node-4' });
    const client = dynamodb.client();
    const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    client.destroy();
    expect(
      TableNames.filter((t) => /^faultline-[a-z0-9]+-(coordination|ring|incidents)$/.test(t)),
    ).toHaveLength(3);
  });
});
