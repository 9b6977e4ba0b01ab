/**
 * Single-decree Paxos, pure: the acceptor's rules and the proposer's choices as functions of plain data, shared
 * by the DynamoDB acceptor (which expresses the same rules as condition expressions), the proposer, and the
 * simulated network the property tests run.
 */

/** A ballot, totally ordered by (round, proposerId). */
export interface Ballot {
  readonly round: number;
  readonly proposerId: string;
}

const ROUND_DIGITS = 12;

/**
 * Encodes a ballot as a string whose byte order is the ballot order, so DynamoDB can compare ballots in a
 * condition expression (`promised <= :b`).
 *
 * @example
 * encodeBallot({ round: 3, proposerId: 'eu-west-1' }); // '000000000003#eu-west-1'
 */
export function encodeBallot(ballot: Ballot): string {
  if (!Number.isInteger(ballot.round) || ballot.round < 0 || ballot.round >= 10 ** ROUND_DIGITS) {
    throw new RangeError(`ballot round out of range: ${ballot.round}`);
  }
  return `${String(ballot.round).padStart(ROUND_DIGITS, '0')}#${ballot.proposerId}`;
}

export function roundOf(encoded: string): number {
  return Number(encoded.slice(0, ROUND_DIGITS));
}

/** <0, 0, >0 like a comparator. Plain string order equals DynamoDB's byte order for ASCII proposer ids. */
export const compareEncoded = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What one acceptor stores for one instance (one incident). */
export interface AcceptorState {
  readonly promised?: string;
  readonly acceptedBallot?: string;
  readonly acceptedValue?: string;
  /** A learned decision (a cache: phase 1 returns it so latecomers adopt without a full round). */
  readonly decided?: string;
}

export type PrepareReply =
  | {
      readonly kind: 'promise';
      readonly accepted?: { readonly ballot: string; readonly value: string };
      readonly decided?: string;
    }
  | { readonly kind: 'reject'; readonly promised: string; readonly decided?: string };

export type AcceptReply =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'reject'; readonly promised: string; readonly decided?: string };

/** Phase 1b: promise unless a higher ballot was promised. Re-promising the same ballot is a duplicate, harmless. */
export function onPrepare(
  state: AcceptorState,
  ballot: string,
): { state: AcceptorState; reply: PrepareReply } {
  if (state.promised !== undefined && compareEncoded(state.promised, ballot) > 0) {
    return { state, reply: withDecided({ kind: 'reject', promised: state.promised }, state) };
  }
  const reply: PrepareReply = withDecided(
    state.acceptedBallot !== undefined && state.acceptedValue !== undefined
      ? { kind: 'promise', accepted: { ballot: state.acceptedBallot, value: state.acceptedValue } }
      : { kind: 'promise' },
    state,
  );
  return { state: { ...state, promised: ballot }, reply };
}

/** Phase 2b: accept unless a higher ballot was promised. */
export function onAccept(
  state: AcceptorState,
  ballot: string,
  value: string,
): { state: AcceptorState; reply: AcceptReply } {
  if (state.promised !== undefined && compareEncoded(state.promised, ballot) > 0) {
    return { state, reply: withDecided({ kind: 'reject', promised: state.promised }, state) };
  }
  return {
    state: { ...state, promised: ballot, acceptedBallot: ballot, acceptedValue: value },
    reply: { kind: 'accepted' },
  };
}

/** Records a learned decision once (`attribute_not_exists`); a second, different value is kept out. */
export function onDecided(state: AcceptorState, value: string): AcceptorState {
  return state.decided === undefined ? { ...state, decided: value } : state;
}

function withDecided<T extends object>(reply: T, state: AcceptorState): T & { decided?: string } {
  return state.decided === undefined ? reply : { ...reply, decided: state.decided };
}

/** A majority of `acceptors`. */
export const majority = (acceptors: number): number => Math.floor(acceptors / 2) + 1;

/**
 * Phase 2a: the value accepted under the highest ballot among the promises, else the proposer's own value.
 *
 * @example
 * chooseValue([{ kind: 'promise' }, { kind: 'promise', accepted: { ballot: b1, value: 'x' } }], 'mine'); // 'x'
 */
export function chooseValue(promises: readonly PrepareReply[], own: string): string {
  let best: { ballot: string; value: string } | undefined;
  for (const reply of promises) {
    if (reply.kind !== 'promise' || !reply.accepted) continue;
    if (!best || compareEncoded(reply.accepted.ballot, best.ballot) > 0) best = reply.accepted;
  }
  return best?.value ?? own;
}

/** A decision some acceptor has already learned, if any reply carries one. */
export function learnedDecision(replies: readonly (PrepareReply | AcceptReply)[]): string | undefined {
  for (const reply of replies) if ('decided' in reply && reply.decided !== undefined) return reply.decided;
  return undefined;
}

/** The next round to try after a rejection: above everything seen. */
export function nextRound(current: number, replies: readonly (PrepareReply | AcceptReply)[]): number {
  let highest = current;
  for (const reply of replies)
    if (reply.kind === 'reject') highest = Math.max(highest, roundOf(reply.promised));
  return highest + 1;
}

/** Randomized exponential backoff so duelling proposers stop colliding. `random` in [0, 1). */
export const backoffMs = (attempt: number, baseMs: number, capMs: number, random: number): number =>
  Math.floor(random * Math.min(capMs, baseMs * 2 ** attempt));
