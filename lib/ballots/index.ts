export * from './ballot-store.js';
export * from './decision.js';
export * from './errors.js';
export * from './in-memory-acceptor.js';
export * from './paxos.js';
export * from './paxos-ballots.js';
export * from './write-once-ballots.js';
