import { describe } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lib/adapters/dynamodb-incident-store.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';
import { incidentStoreContract } from '../../unit/incidents/incident-store-contract.js';

describe('DynamoDbIncidentStore on DynamoDB Local', () => {
  const fixture = useDynamoDbLocal();
  let store: DynamoDbIncidentStore | undefined;
  incidentStoreContract(() => {
    store ??= new DynamoDbIncidentStore({ client: fixture().client, tableName: fixture().tables.Incidents });
    return store;
  });
});
