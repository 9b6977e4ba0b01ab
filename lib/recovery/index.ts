export * from './current-lease.js';
export * from './cursor.js';
export * from './errors.js';
export * from './recovery-steps.js';
export * from './ring-operations.js';
export * from './state.js';
export * from './verify-policy.js';
