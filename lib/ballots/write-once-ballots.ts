import type { DecisionRegister } from './ballot-store.js';
import { type Ballots, type Decision, encodeValue, type Proposal, toDecision } from './decision.js';
import { DecisionUnknownError } from './errors.js';

/**
 * One plan per incident with one acceptor: within a region a DynamoDB item is already linearizable, so a
 * write-once register (one conditional put) is consensus. The loser adopts the stored plan. One request.
 *
 * @example
 * const ballots = new WriteOnceBallots(new DynamoDbDecisionRegister({ client, tableName }));
 * const { plan, epoch } = await ballots.decide('inc-42', { proposerId: 'detector-a', plan: { runbook: 'restart' } });
 */
export class WriteOnceBallots implements Ballots {
  constructor(private readonly register: DecisionRegister) {}

  async decide<P>(incidentId: string, proposal: Proposal<P>): Promise<Decision<P>> {
    const value = encodeValue(proposal);
    let roundTrips = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      roundTrips++;
      try {
        const { stored } = await this.register.claim(incidentId, value);
        return toDecision(incidentId, stored, proposal, roundTrips);
      } catch (error) {
        if (!(error instanceof DecisionUnknownError)) throw error;
      }
      // The put may have landed: whatever is stored now is the decision (ours or another's); absent means retry.
      roundTrips++;
      const stored = await this.register.read(incidentId).catch((error: unknown) => {
        throw new DecisionUnknownError(`decision for ${incidentId} unknown: ${String(error)}`);
      });
      if (stored !== undefined) return toDecision(incidentId, stored, proposal, roundTrips);
    }
    throw new DecisionUnknownError(`decision for ${incidentId} did not resolve`);
  }
}
