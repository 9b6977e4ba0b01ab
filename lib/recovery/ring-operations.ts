import { drain, type RingStore, restore } from '../ring/index.js';
import type { RingOperations } from '../runbooks/index.js';

/** The runbooks' ring port, implemented by the ring module: fenced, idempotent drain and restore. */
export function ringOperations(store: RingStore): RingOperations {
  return {
    // `changed: false` lets the step report `already-applied` on a re-run.
    drain: (ringId, nodeId, fence) => drain({ store, ringId, nodeId, fence }),
    restore: (ringId, nodeId, fence) => restore({ store, ringId, nodeId, fence }),
  };
}
