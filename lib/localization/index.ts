export * from './errors.js';
export * from './ingest.js';
export * from './scorer.js';
export * from './scorer-state.js';
export * from './subscription.js';
