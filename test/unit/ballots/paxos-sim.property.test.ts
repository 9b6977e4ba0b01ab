import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDecisions } from '../../../lib/testing/checkers.js';
import { type PaxosSimOptions, simulatePaxos } from '../../../lib/testing/paxos-sim.js';

// Seeded and replayable: a failure prints fast-check's seed and path; FAULTLINE_SOAK=1 runs 10x longer.
const SEED = Number(process.env.FAULTLINE_SEED ?? 0x5eed);
const RUNS = process.env.FAULTLINE_SOAK ? 100_000 : 10_000;

const scenario = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  acceptors: fc.constantFrom(3 as const, 5 as const),
  proposers: fc.integer({ min: 2, max: 4 }),
  loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplication: fc.double({ min: 0, max: 0.3, noNaN: true }),
  crash: fc.double({ min: 0, max: 0.02, noNaN: true }),
  timeout: fc.double({ min: 0.001, max: 0.05, noNaN: true }),
});

/** The same checker as the DynamoDB runs, plus Paxos's own notion: at most one value accepted by a majority. */
function violations(options: PaxosSimOptions, run = simulatePaxos(options)): string[] {
  const found = [
    ...checkDecisions(
      new Map([['incident', run.proposals]]),
      run.decisions.map((d) => ({ incidentId: 'incident', reader: d.proposer, value: d.value })),
    ).violations,
  ];
  if (run.chosen.length > 1) found.push(`several values chosen: ${run.chosen.join(', ')}`);
  return found;
}

describe('single-decree Paxos over a lossy, duplicating, reordering network', () => {
  it(`never decides two values, nor one nobody proposed (${RUNS} runs)`, () => {
    let decidedRuns = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const run = simulatePaxos({ ...s, maxSteps: 600 });
        if (run.decisions.length > 0) decidedRuns++;
        expect(violations({ ...s, maxSteps: 600 }, run)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property must not hold vacuously: most runs reach a decision.
    expect(decidedRuns).toBeGreaterThan(RUNS / 2);
  });

  it('catches a quorum of 1 among 3 acceptors (negative control)', () => {
    const outcome = fc.check(
      fc.property(scenario, (s) => violations({ ...s, acceptors: 3, quorum: 1, maxSteps: 600 }).length === 0),
      { seed: SEED, numRuns: RUNS },
    );
    expect(outcome.failed).toBe(true);
  });
});
