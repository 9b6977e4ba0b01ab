export * from './clock.js';
export * from './errors.js';
export * from './in-memory-lease-store.js';
export * from './lease.js';
export * from './lease-store.js';
export * from './leases.js';
export * from './semaphore.js';
