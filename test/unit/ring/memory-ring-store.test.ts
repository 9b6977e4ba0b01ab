import { MemoryRingStore } from '../../../lib/ring/memory-ring-store.js';
import { ringStoreContract } from './ring-store-contract.js';

ringStoreContract('MemoryRingStore', () => new MemoryRingStore());
