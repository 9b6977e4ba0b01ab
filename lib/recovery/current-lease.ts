import type { Lease } from '../leases/index.js';
import { InvalidWorkflowStateError } from './errors.js';
import type { RecoveryState } from './state.js';

/**
 * The freshest copy of this execution's resource lease. Steps renew the lease at their boundaries and return the
 * renewed handle in their own result field, so the state holds several copies of one incarnation: the one with
 * the highest beat is current.
 */
export function currentLease(state: RecoveryState): Lease {
  const acquired = state.lease?.kind === 'acquired' ? state.lease.lease : undefined;
  if (!acquired)
    throw new InvalidWorkflowStateError('No lease in the workflow state: Acquire has not succeeded');
  let best = acquired;
  for (const copy of [state.cursor?.lease, state.verify?.lease]) {
    if (copy && copy.token === best.token && copy.nonce === best.nonce && copy.beat > best.beat) best = copy;
  }
  return best;
}
