import type { AcceptorStore, DecisionRegister } from './ballot-store.js';
import {
  type AcceptorState,
  type AcceptReply,
  onAccept,
  onDecided,
  onPrepare,
  type PrepareReply,
} from './paxos.js';

/**
 * A Paxos acceptor in memory, driven by the pure rules in ./paxos.ts. For unit tests and the simulator.
 *
 * @example
 * const ballots = new PaxosBallots([new InMemoryAcceptor('a'), new InMemoryAcceptor('b'), new InMemoryAcceptor('c')]);
 */
export class InMemoryAcceptor implements AcceptorStore {
  readonly states = new Map<string, AcceptorState>();

  constructor(readonly id: string) {}

  async prepare(incidentId: string, ballot: string): Promise<PrepareReply> {
    const { state, reply } = onPrepare(this.states.get(incidentId) ?? {}, ballot);
    this.states.set(incidentId, state);
    return reply;
  }

  async accept(incidentId: string, ballot: string, value: string): Promise<AcceptReply> {
    const { state, reply } = onAccept(this.states.get(incidentId) ?? {}, ballot, value);
    this.states.set(incidentId, state);
    return reply;
  }

  async recordDecision(incidentId: string, value: string): Promise<void> {
    this.states.set(incidentId, onDecided(this.states.get(incidentId) ?? {}, value));
  }

  async readDecision(incidentId: string): Promise<string | undefined> {
    return this.states.get(incidentId)?.decided;
  }
}

/** The write-once register in memory. */
export class InMemoryDecisionRegister implements DecisionRegister {
  readonly values = new Map<string, string>();

  async claim(incidentId: string, value: string): Promise<{ stored: string; won: boolean }> {
    const existing = this.values.get(incidentId);
    if (existing !== undefined) return { stored: existing, won: false };
    this.values.set(incidentId, value);
    return { stored: value, won: true };
  }

  async read(incidentId: string): Promise<string | undefined> {
    return this.values.get(incidentId);
  }
}
