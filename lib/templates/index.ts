export * from './accuracy.js';
export * from './errors.js';
export * from './log-format.js';
export * from './mask.js';
export * from './miner.js';
export * from './miner-state.js';
