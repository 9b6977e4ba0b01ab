import { describe } from 'vitest';
import { InMemoryIncidentStore } from '../../../lib/incidents/index.js';
import { incidentStoreContract } from './incident-store-contract.js';

describe('InMemoryIncidentStore', () => {
  const store = new InMemoryIncidentStore();
  incidentStoreContract(() => store);
});
