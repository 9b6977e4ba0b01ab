import {
  type AcceptorState,
  type AcceptReply,
  chooseValue,
  encodeBallot,
  learnedDecision,
  majority,
  nextRound,
  onAccept,
  onDecided,
  onPrepare,
  type PrepareReply,
} from '../ballots/paxos.js';
import { seededRandom } from './rng.js';

export interface PaxosSimOptions {
  readonly seed: number;
  readonly acceptors: 3 | 5;
  readonly proposers: number;
  /** Per message: dropped. */
  readonly loss: number;
  /** Per message: delivered twice. */
  readonly duplication: number;
  /** Per scheduler step: a live proposer crashes for good (at most proposers − 1 crash). */
  readonly crash: number;
  /** Per scheduler step: a proposer gives up on its round and retries with a higher ballot. */
  readonly timeout: number;
  readonly maxSteps: number;
  /** Replies a proposer waits for. Below a majority is the broken variant. @default majority */
  readonly quorum?: number;
}

type Message =
  | { readonly to: number; readonly kind: 'prepare'; readonly from: number; readonly ballot: string }
  | {
      readonly to: number;
      readonly kind: 'accept';
      readonly from: number;
      readonly ballot: string;
      readonly value: string;
    }
  | { readonly to: number; readonly kind: 'decided'; readonly value: string }
  | {
      readonly kind: 'prepared';
      readonly to: number;
      readonly from: number;
      readonly ballot: string;
      readonly reply: PrepareReply;
    }
  | {
      readonly kind: 'accepted';
      readonly to: number;
      readonly from: number;
      readonly ballot: string;
      readonly reply: AcceptReply;
    };

interface Proposer {
  readonly id: string;
  readonly own: string;
  round: number;
  ballot: string;
  phase: 'prepare' | 'accept' | 'done' | 'crashed';
  /** Replies by acceptor: a duplicated reply must not count twice toward a quorum. */
  prepared: Map<number, PrepareReply>;
  accepts: Map<number, AcceptReply>;
  proposing?: string;
  decided?: string;
}

export interface PaxosSimResult {
  readonly proposals: readonly string[];
  /** What each proposer that finished returned. */
  readonly decisions: readonly { readonly proposer: string; readonly value: string }[];
  /** Values accepted by a majority of acceptors under one ballot: "chosen" in Paxos terms. */
  readonly chosen: readonly string[];
  readonly steps: number;
}

/**
 * Runs single-decree Paxos — the same pure acceptor rules and proposer choices as `PaxosBallots` — over a
 * simulated network that loses, duplicates and reorders messages, while proposers time out and crash. Fully
 * determined by `seed`: a failing fast-check case replays.
 *
 * @example
 * const r = simulatePaxos({ seed: 1, acceptors: 3, proposers: 3, loss: 0.1, duplication: 0.1, crash: 0.01, timeout: 0.02, maxSteps: 2000 });
 * checkDecisions(new Map([['x', r.proposals]]), r.decisions.map((d) => ({ incidentId: 'x', reader: d.proposer, value: d.value })));
 */
export function simulatePaxos(options: PaxosSimOptions): PaxosSimResult {
  const random = seededRandom(options.seed);
  const quorum = options.quorum ?? majority(options.acceptors);
  const states: AcceptorState[] = Array.from({ length: options.acceptors }, () => ({}));
  const acceptedBy = new Map<string, Set<number>>(); // ballot → acceptors that accepted it
  const acceptedValueOf = new Map<string, string>();
  const network: Message[] = [];
  const proposers: Proposer[] = Array.from({ length: options.proposers }, (_, i) => ({
    id: `p${i}`,
    own: `value-of-p${i}`,
    round: 1,
    ballot: encodeBallot({ round: 1, proposerId: `p${i}` }),
    phase: 'prepare',
    prepared: new Map(),
    accepts: new Map(),
  }));

  const send = (message: Message) => {
    if (random() < options.loss) return;
    network.push(message);
    if (random() < options.duplication) network.push(message);
  };
  const broadcast = (make: (to: number) => Message) => {
    for (let to = 0; to < options.acceptors; to++) send(make(to));
  };
  const startRound = (p: Proposer, round: number) => {
    p.round = round;
    p.ballot = encodeBallot({ round, proposerId: p.id });
    p.phase = 'prepare';
    p.prepared = new Map();
    p.accepts = new Map();
    broadcast((to) => ({ to, kind: 'prepare', from: proposers.indexOf(p), ballot: p.ballot }));
  };
  const finish = (p: Proposer, value: string) => {
    p.phase = 'done';
    p.decided = value;
    broadcast((to) => ({ to, kind: 'decided', value }));
  };

  for (const p of proposers) startRound(p, 1);
  let crashed = 0;
  let steps = 0;
  for (; steps < options.maxSteps; steps++) {
    const live = proposers.filter((p) => p.phase === 'prepare' || p.phase === 'accept');
    if (live.length === 0 && network.length === 0) break;
    const roll = random();
    if (roll < options.crash && crashed < options.proposers - 1 && live.length > 0) {
      const victim = live[Math.floor(random() * live.length)] as Proposer;
      victim.phase = 'crashed';
      crashed++;
      continue;
    }
    if ((roll < options.crash + options.timeout || network.length === 0) && live.length > 0) {
      const p = live[Math.floor(random() * live.length)] as Proposer;
      startRound(p, nextRound(p.round, [...p.prepared.values(), ...p.accepts.values()]));
      continue;
    }
    if (network.length === 0) continue;
    // Reordering: any in-flight message may be delivered next.
    const index = Math.floor(random() * network.length);
    const message = network.splice(index, 1)[0] as Message;
    switch (message.kind) {
      case 'prepare': {
        const { state, reply } = onPrepare(states[message.to] ?? {}, message.ballot);
        states[message.to] = state;
        send({ kind: 'prepared', to: message.from, from: message.to, ballot: message.ballot, reply });
        break;
      }
      case 'accept': {
        const { state, reply } = onAccept(states[message.to] ?? {}, message.ballot, message.value);
        states[message.to] = state;
        if (reply.kind === 'accepted') {
          const set = acceptedBy.get(message.ballot) ?? new Set<number>();
          set.add(message.to);
          acceptedBy.set(message.ballot, set);
          acceptedValueOf.set(message.ballot, message.value);
        }
        send({ kind: 'accepted', to: message.from, from: message.to, ballot: message.ballot, reply });
        break;
      }
      case 'decided':
        states[message.to] = onDecided(states[message.to] ?? {}, message.value);
        break;
      case 'prepared': {
        const p = proposers[message.to] as Proposer;
        if (p.phase !== 'prepare' || message.ballot !== p.ballot) break; // stale or for an old round
        p.prepared.set(message.from, message.reply);
        const replies = [...p.prepared.values()];
        const learned = learnedDecision(replies);
        if (learned !== undefined) {
          finish(p, learned);
          break;
        }
        const promises = replies.filter((r) => r.kind === 'promise');
        if (promises.length >= quorum) {
          const value = chooseValue(promises, p.own);
          p.phase = 'accept';
          p.proposing = value;
          broadcast((to) => ({ to, kind: 'accept', from: message.to, ballot: p.ballot, value }));
        }
        break;
      }
      case 'accepted': {
        const p = proposers[message.to] as Proposer;
        if (p.phase !== 'accept' || message.ballot !== p.ballot) break;
        p.accepts.set(message.from, message.reply);
        const replies = [...p.accepts.values()];
        const learned = learnedDecision(replies);
        if (learned !== undefined) {
          finish(p, learned);
          break;
        }
        if (replies.filter((r) => r.kind === 'accepted').length >= quorum && p.proposing !== undefined) {
          finish(p, p.proposing);
        }
        break;
      }
    }
  }
  const chosen = new Set<string>();
  for (const [ballot, set] of acceptedBy) {
    if (set.size >= majority(options.acceptors)) chosen.add(acceptedValueOf.get(ballot) as string);
  }
  return {
    proposals: proposers.map((p) => p.own),
    decisions: proposers.flatMap((p) =>
      p.decided !== undefined ? [{ proposer: p.id, value: p.decided }] : [],
    ),
    chosen: [...chosen],
    steps,
  };
}
