import { describe, expect, it } from 'vitest';
import {
  checkCapacity,
  checkDecisions,
  checkExclusion,
  checkFencedLog,
  checkTakeoverBound,
} from '../../../lib/testing/checkers.js';
import type { LeaseEvent } from '../../../lib/testing/history.js';

const acquired = (resource: string, token: number, at: number, client = `c${token}`): LeaseEvent => ({
  type: 'acquired',
  at,
  client,
  resource,
  token,
});
const valid = (resource: string, token: number, at: number): LeaseEvent => ({
  type: 'valid',
  at,
  client: `c${token}`,
  resource,
  token,
});

describe('checkFencedLog', () => {
  it('accepts non-decreasing, contiguous tokens', () => {
    const log = [1, 1, 2, 3, 3].map((token, seq) => ({ token, client: `c${token}`, seq }));
    expect(checkFencedLog('r', log).violations).toEqual([]);
  });

  it('catches a lower token and an interleaving holder', () => {
    const lower = [2, 1].map((token, seq) => ({ token, client: 'x', seq }));
    expect(checkFencedLog('r', lower).violations).toHaveLength(1);
    const interleaved = [1, 2, 1].map((token, seq) => ({ token, client: `c${token}`, seq }));
    expect(checkFencedLog('r', interleaved).violations.join()).toMatch(/after token 2.*wrote again/);
  });
});

describe('checkExclusion', () => {
  it('accepts back-to-back holders and catches an overlap', () => {
    const ok = [acquired('r', 1, 0), valid('r', 1, 10), acquired('r', 2, 11), valid('r', 2, 20)];
    expect(checkExclusion(ok).violations).toEqual([]);
    const overlap = [acquired('r', 1, 0), acquired('r', 2, 5), valid('r', 1, 10)];
    expect(checkExclusion(overlap).violations).toHaveLength(1);
  });
});

describe('checkCapacity', () => {
  it('counts holders across the slots of a pool', () => {
    const events = [acquired('p/0', 1, 0), acquired('p/1', 1, 1), valid('p/0', 1, 10), valid('p/1', 1, 10)];
    expect(checkCapacity(events, 2).violations).toEqual([]);
    expect(checkCapacity(events, 1).violations).toHaveLength(1);
  });
});

describe('checkTakeoverBound', () => {
  it('measures from the crash or from when the taker started watching', () => {
    const events: LeaseEvent[] = [
      { type: 'crashed', at: 100, client: 'a', resource: 'r', token: 1 },
      { type: 'acquired', at: 400, client: 'b', resource: 'r', token: 2, watchStartedAt: 250 },
    ];
    expect(checkTakeoverBound(events, 150)).toEqual({ violations: [], delaysMs: [150] });
    expect(checkTakeoverBound(events, 149).violations).toHaveLength(1);
  });
});

describe('checkDecisions', () => {
  it('catches two plans for one incident and a plan nobody proposed', () => {
    const proposals = new Map([['i', ['A', 'B']]]);
    expect(
      checkDecisions(proposals, [
        { incidentId: 'i', reader: 'x', value: 'A' },
        { incidentId: 'i', reader: 'y', value: 'A' },
      ]).violations,
    ).toEqual([]);
    expect(
      checkDecisions(proposals, [
        { incidentId: 'i', reader: 'x', value: 'A' },
        { incidentId: 'i', reader: 'y', value: 'B' },
        { incidentId: 'i', reader: 'z', value: 'C' },
      ]).violations,
    ).toHaveLength(3);
  });
});
