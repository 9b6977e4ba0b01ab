import { describe, expect, it } from 'vitest';
import { groupingAccuracy, parsingAccuracy } from '../../../lib/templates/index.js';

describe('groupingAccuracy', () => {
  it('counts the lines of predicted groups that are exactly one ground-truth group', () => {
    expect(groupingAccuracy(['E1', 'E1', 'E2', 'E3'], [1, 1, 2, 3])).toBe(1);
    // E1 split in two: neither half is the whole group.
    expect(groupingAccuracy(['E1', 'E1', 'E2', 'E3'], [1, 4, 2, 3])).toBe(0.5);
    // E2 and E3 merged: the group holds two events.
    expect(groupingAccuracy(['E1', 'E1', 'E2', 'E3'], [1, 1, 2, 2])).toBe(0.5);
  });

  it('scores a miner that puts everything in one group near zero (negative control)', () => {
    const truth = Array.from({ length: 100 }, (_, i) => `E${i % 10}`);
    expect(
      groupingAccuracy(
        truth,
        truth.map(() => 1),
      ),
    ).toBe(0);
    expect(
      groupingAccuracy(
        truth,
        truth.map((_, i) => i),
      ),
    ).toBe(0);
  });
});

describe('parsingAccuracy', () => {
  it('compares template strings exactly', () => {
    expect(parsingAccuracy(['a <*>', 'b', 'c <*>'], ['a <*>', 'b <*>', 'c  <*>'])).toBeCloseTo(1 / 3);
  });
});
