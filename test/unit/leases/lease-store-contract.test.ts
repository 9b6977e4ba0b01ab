import { InMemoryLeaseStore } from '../../../lib/leases/index.js';
import { describeLeaseStoreContract } from './lease-store-contract.js';

const store = new InMemoryLeaseStore();
describeLeaseStoreContract(
  'in memory',
  () => store,
  async (key) => store.guarded.get(`|${key.pk}|${key.sk}`),
);
