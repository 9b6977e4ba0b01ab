import type { AcceptReply, PrepareReply } from './paxos.js';

/**
 * A write-once register (one acceptor, one region). Adapters throw `ThrottledError` when certainly not applied
 * and `DecisionUnknownError` when the write may have applied.
 */
export interface DecisionRegister {
  /** Stores `value` if nothing is stored yet; returns what is stored afterwards (ours or the earlier one). */
  claim(incidentId: string, value: string): Promise<{ readonly stored: string; readonly won: boolean }>;
  /** Strongly consistent read. */
  read(incidentId: string): Promise<string | undefined>;
}

/**
 * One Paxos acceptor (one table, its own client). Each call is one conditional request implementing `onPrepare`,
 * `onAccept` and `onDecided` of ./paxos.ts. Any thrown error counts as "no reply".
 */
export interface AcceptorStore {
  readonly id: string;
  prepare(incidentId: string, ballot: string): Promise<PrepareReply>;
  accept(incidentId: string, ballot: string, value: string): Promise<AcceptReply>;
  recordDecision(incidentId: string, value: string): Promise<void>;
  /** The learned decision, if recorded (strongly consistent). */
  readDecision(incidentId: string): Promise<string | undefined>;
}
