/** What a proposer offers for an incident. `plan` is any JSON value. */
export interface Proposal<P = unknown> {
  readonly proposerId: string;
  readonly plan: P;
  /**
   * The fencing number the plan's executor will use. Pass the token of the resource lease under which the plan
   * was proposed: the decided record then carries it, and guarded writes made while executing the plan are
   * refused once a newer lease holder has written.
   * @default 1
   */
  readonly epoch?: number;
}

/** The single plan chosen for an incident; every caller gets the same one. */
export interface Decision<P = unknown> {
  readonly incidentId: string;
  readonly plan: P;
  /** Who proposed the chosen plan. */
  readonly proposerId: string;
  /** Fences the recovery executing the plan (see `Proposal.epoch`). */
  readonly epoch: number;
  /** True when this caller's own proposal was not the one chosen. */
  readonly adopted: boolean;
  /** Sequential request rounds this call needed (each round: requests sent in parallel). */
  readonly roundTrips: number;
}

/** Any ballot implementation: the one-acceptor register or multi-acceptor Paxos. */
export interface Ballots {
  decide<P>(incidentId: string, proposal: Proposal<P>): Promise<Decision<P>>;
}

interface Encoded {
  readonly plan: unknown;
  readonly proposerId: string;
  readonly epoch: number;
}

/** Canonical string form of a proposal: acceptors compare and store values as opaque strings. */
export function encodeValue(proposal: Proposal): string {
  const value: Encoded = { plan: proposal.plan, proposerId: proposal.proposerId, epoch: proposal.epoch ?? 1 };
  return JSON.stringify(value);
}

export function toDecision<P>(
  incidentId: string,
  encoded: string,
  proposal: Proposal<P>,
  roundTrips: number,
): Decision<P> {
  const value = JSON.parse(encoded) as Encoded;
  return {
    incidentId,
    plan: value.plan as P,
    proposerId: value.proposerId,
    epoch: value.epoch,
    adopted: encoded !== encodeValue(proposal),
    roundTrips,
  };
}
