import type { AcceptorStore } from './ballot-store.js';
import { type Ballots, type Decision, encodeValue, type Proposal, toDecision } from './decision.js';
import { NoQuorumError } from './errors.js';
import {
  type AcceptReply,
  backoffMs,
  chooseValue,
  encodeBallot,
  learnedDecision,
  majority,
  nextRound,
  type PrepareReply,
} from './paxos.js';

export interface PaxosBallotsOptions {
  /** @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ballot rounds before giving up with `NoQuorumError`. @default 30 */
  readonly maxAttempts?: number;
  /** Backoff after a collision: random in [0, min(cap, base·2^attempt)). @default 10 */
  readonly backoffBaseMs?: number;
  /** @default 1000 */
  readonly backoffCapMs?: number;
  /**
   * Replies needed per phase. Anything below a majority is unsafe: it exists so the test suite can show its
   * checker catching a broken quorum.
   * @default majority of the acceptors
   */
  readonly quorum?: number;
}

/**
 * Single-decree Paxos over 3 or 5 independent acceptors (e.g. one table per region, each with its own client).
 * Prepare and accept go to all acceptors in parallel; a majority suffices; phase 2 re-proposes the value with the
 * highest accepted ballot; the decision is then recorded on the acceptors so latecomers adopt it in one round.
 * Uncontended: three round trips (prepare, accept, record).
 *
 * @example
 * const ballots = new PaxosBallots([acceptorA, acceptorB, acceptorC]);
 * const { plan } = await ballots.decide('inc-42', { proposerId: 'detector-eu', plan: { runbook: 'failover' } });
 */
export class PaxosBallots implements Ballots {
  private readonly quorum: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(
    private readonly acceptors: readonly AcceptorStore[],
    options: PaxosBallotsOptions = {},
  ) {
    if (acceptors.length < 1) throw new RangeError('PaxosBallots needs at least one acceptor');
    this.quorum = options.quorum ?? majority(acceptors.length);
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxAttempts = options.maxAttempts ?? 30;
    this.baseMs = options.backoffBaseMs ?? 10;
    this.capMs = options.backoffCapMs ?? 1000;
  }

  async decide<P>(incidentId: string, proposal: Proposal<P>): Promise<Decision<P>> {
    const own = encodeValue(proposal);
    let round = 1;
    let roundTrips = 0;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const ballot = encodeBallot({ round, proposerId: proposal.proposerId });
      roundTrips++;
      const prepared = await this.gather(
        (a) => a.prepare(incidentId, ballot),
        (r) => r.kind === 'promise',
      );
      const learnedEarly = learnedDecision(prepared);
      if (learnedEarly !== undefined) return toDecision(incidentId, learnedEarly, proposal, roundTrips);
      const promises = prepared.filter((r) => r.kind === 'promise');
      if (promises.length >= this.quorum) {
        const value = chooseValue(promises, own);
        roundTrips++;
        const accepted = await this.gather(
          (a) => a.accept(incidentId, ballot, value),
          (r) => r.kind === 'accepted',
        );
        const learned = learnedDecision(accepted);
        if (learned !== undefined) return toDecision(incidentId, learned, proposal, roundTrips);
        if (accepted.filter((r) => r.kind === 'accepted').length >= this.quorum) {
          // Chosen. Recording it is a cache for latecomers, not part of safety: failures here are ignored.
          roundTrips++;
          await Promise.allSettled(this.acceptors.map((a) => a.recordDecision(incidentId, value)));
          return toDecision(incidentId, value, proposal, roundTrips);
        }
        round = nextRound(round, accepted);
      } else {
        round = nextRound(round, prepared);
      }
      await this.sleep(backoffMs(attempt, this.baseMs, this.capMs, this.random()));
    }
    throw new NoQuorumError(`no quorum for ${incidentId} after ${this.maxAttempts} ballots`);
  }

  /**
   * Sends one request to every acceptor in parallel and resolves as soon as a quorum said yes, a decision was
   * learned, or every acceptor has answered or failed. Stragglers finish in the background: harmless in Paxos.
   */
  private gather<R extends PrepareReply | AcceptReply>(
    call: (acceptor: AcceptorStore) => Promise<R>,
    yes: (reply: R) => boolean,
  ): Promise<R[]> {
    return new Promise((resolve) => {
      const replies: R[] = [];
      let settled = 0;
      let done = false;
      const check = () => {
        if (done) return;
        const enough = replies.filter(yes).length >= this.quorum || learnedDecision(replies) !== undefined;
        if (enough || settled === this.acceptors.length) {
          done = true;
          resolve([...replies]);
        }
      };
      for (const acceptor of this.acceptors) {
        call(acceptor).then(
          (reply) => {
            replies.push(reply);
            settled++;
            check();
          },
          () => {
            settled++;
            check();
          },
        );
      }
    });
  }
}
