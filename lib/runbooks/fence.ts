import { RunbookFenceLostError } from './errors.js';

/**
 * What every step receives to stay within its lease. Before each side effect a step calls `assertFence()`; writes
 * that can carry the token themselves (the ring's conditional update) also get `{ resource, token }`.
 *
 * Fencing cannot protect AWS APIs that ignore tokens: between `assertFence()` and the API call a newer holder
 * could act too. The window is one request long; idempotent steps keep a duplicate action harmless.
 */
export interface FenceContext {
  /** The leased resource id (the incident's resource). */
  readonly resource: string;
  /** The fencing token of the lease this execution holds. */
  readonly token: number;
  /** Throws (a named error) when the token is no longer current; resolves otherwise. */
  assertFence(): Promise<void>;
}

/** The part of a fence that can travel as plain data (to the ring port, into results). */
export interface FenceToken {
  readonly resource: string;
  readonly token: number;
}

/**
 * Builds a fence from a check that answers "is `token` still the current token of `resource`?" (e.g. a strongly
 * consistent read of the lease item). A `false` answer throws {@link RunbookFenceLostError}.
 *
 * @example
 * const fence = fenceFromCheck('svc/orders', 7, async (resource, token) => (await leases.current(resource)) === token);
 * await fence.assertFence();
 */
export function fenceFromCheck(
  resource: string,
  token: number,
  isCurrent: (resource: string, token: number) => Promise<boolean>,
): FenceContext {
  return {
    resource,
    token,
    async assertFence() {
      if (!(await isCurrent(resource, token))) {
        throw new RunbookFenceLostError(`Lease on ${resource} no longer holds token ${token}; step refused`);
      }
    },
  };
}
