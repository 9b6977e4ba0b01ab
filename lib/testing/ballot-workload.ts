import { type Ballots, encodeValue, type Proposal } from '../ballots/decision.js';
import type { DecisionObservation } from './checkers.js';
import { deriveSeed, seededRandom, sleep } from './rng.js';

export interface BallotWorkloadOptions {
  readonly seed: number;
  /** Incident ids to decide. */
  readonly incidents: readonly string[];
  /** Proposers racing on every incident (each with its own `Ballots`, e.g. its own faulty clients). */
  readonly proposers: number;
  /** Incidents in flight at once. */
  readonly concurrency: number;
  /** Longest random head start between racing proposers (more overlap when small). */
  readonly jitterMs: number;
  readonly ballotsFor: (proposer: number) => Ballots;
}

export interface BallotWorkloadResult {
  /** Encoded proposals per incident. */
  readonly proposals: Map<string, string[]>;
  /** Every successful `decide` result, encoded. */
  readonly observations: DecisionObservation[];
  /** `decide` calls that threw, by error name (liveness, not safety). */
  readonly errors: Map<string, number>;
  readonly decideCalls: number;
  /** Calls whose result was another proposer's plan: the contended ones. */
  readonly adopted: number;
}

/**
 * Races `proposers` concurrent `decide` calls with different plans on every incident and collects what each got,
 * for `checkDecisions`.
 *
 * @example
 * const r = await runBallotWorkload({ seed: 3, incidents: ['i1'], proposers: 2, concurrency: 8, jitterMs: 2, ballotsFor });
 * checkDecisions(r.proposals, r.observations).violations; // []
 */
export async function runBallotWorkload(options: BallotWorkloadOptions): Promise<BallotWorkloadResult> {
  const random = seededRandom(deriveSeed(options.seed, 'ballots'));
  const ballots = Array.from({ length: options.proposers }, (_, i) => options.ballotsFor(i));
  const proposals = new Map<string, string[]>();
  const observations: DecisionObservation[] = [];
  const errors = new Map<string, number>();
  let decideCalls = 0;
  let adopted = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const incidentId = options.incidents[next++];
      if (incidentId === undefined) return;
      const offers: Proposal<{ runbook: string }>[] = ballots.map((_, i) => ({
        proposerId: `p${i}`,
        plan: { runbook: `runbook-${Math.floor(random() * 1000)}` },
        epoch: i + 1,
      }));
      proposals.set(incidentId, offers.map(encodeValue));
      const starts = offers.map(() => random() * options.jitterMs);
      await Promise.all(
        offers.map(async (offer, i) => {
          await sleep(starts[i] ?? 0);
          decideCalls++;
          try {
            const decision = await (ballots[i] as Ballots).decide(incidentId, offer);
            if (decision.adopted) adopted++;
            observations.push({
              incidentId,
              reader: offer.proposerId,
              value: encodeValue({
                proposerId: decision.proposerId,
                plan: decision.plan,
                epoch: decision.epoch,
              }),
            });
          } catch (error) {
            const name = (error as Error).name;
            errors.set(name, (errors.get(name) ?? 0) + 1);
          }
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { proposals, observations, errors, decideCalls, adopted };
}
