import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../lib/leases/index.js';
import {
  type Cursor,
  currentLease,
  InvalidWorkflowStateError,
  type RecoveryState,
  type VerifyResult,
} from '../../../lib/recovery/index.js';

const lease = (token: number, nonce: string, beat: number): Lease => ({
  resource: 'r-1',
  owner: 'exec-1',
  token,
  nonce,
  beat,
  leaseMs: 60_000,
  validity: { clockId: 'c', validUntilMonotonicMs: 1, validUntilWallMs: 1 },
});
const slot = { ...lease(1, 'slot', 0), resource: 'pool', slot: 0 };
const base = { incidentId: 'inc-1', resourceId: 'r-1', alarmName: 'a' };
const acquired = (l: Lease): RecoveryState => ({
  ...base,
  lease: { kind: 'acquired', lease: l, slot, attempts: 1, waitSeconds: 0 },
});
const cursorWith = (l: Lease) => ({ lease: l }) as unknown as Cursor;
const verifyWith = (l: Lease) => ({ lease: l }) as unknown as VerifyResult;

describe('currentLease', () => {
  it('is the acquired lease when no step renewed it yet', () => {
    const l = lease(7, 'n1', 0);
    expect(currentLease(acquired(l))).toBe(l);
  });

  it('is the copy with the highest beat, wherever a step put it', () => {
    const l = lease(7, 'n1', 0);
    expect(
      currentLease({
        ...acquired(l),
        cursor: cursorWith(lease(7, 'n1', 3)),
        verify: verifyWith(lease(7, 'n1', 5)),
      }).beat,
    ).toBe(5);
    expect(
      currentLease({
        ...acquired(l),
        cursor: cursorWith(lease(7, 'n1', 6)),
        verify: verifyWith(lease(7, 'n1', 5)),
      }).beat,
    ).toBe(6);
  });

  it('ignores copies of an earlier incarnation (a previous round) however high their beat', () => {
    const now = lease(9, 'n2', 0);
    const state = {
      ...acquired(now),
      cursor: cursorWith(lease(7, 'n1', 40)),
      verify: verifyWith(lease(9, 'other', 50)),
    };
    expect(currentLease(state)).toBe(now);
  });

  it('refuses a state without an acquired lease', () => {
    expect(() => currentLease(base)).toThrow(InvalidWorkflowStateError);
    const waiting: RecoveryState = {
      ...base,
      lease: { kind: 'held', holder: 'x', attempts: 1, waitSeconds: 5 },
    };
    expect(() => currentLease(waiting)).toThrow(/Acquire has not succeeded/);
  });
});
