import { beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbAcceptorStore,
  DynamoDbDecisionRegister,
} from '../../../lib/adapters/dynamodb-ballot-store.js';
import { createCoordinationTable } from '../../../lib/adapters/dynamodb-coordination-tables.js';
import { encodeValue, PaxosBallots, WriteOnceBallots } from '../../../lib/ballots/index.js';
import {
  type BallotWorkloadResult,
  checkDecisions,
  type DecisionObservation,
  deriveSeed,
  FaultInjectingClient,
  type FaultRates,
  runBallotWorkload,
  seededRandom,
} from '../../../lib/testing/index.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';

const fixture = useDynamoDbLocal();
const SEED = Number(process.env.FAULTLINE_SEED ?? 20261126);
const SOAK = Boolean(process.env.FAULTLINE_SOAK);
// Several tables in one DynamoDB Local stand in for one acceptor table per region, each behind its own client.
const ACCEPTOR_TABLES = [
  'faultline-acceptor-1',
  'faultline-acceptor-2',
  'faultline-acceptor-3',
  'faultline-acceptor-4',
  'faultline-acceptor-5',
];

const FAULTS: FaultRates = {
  appliedTimeout: 0.01,
  lostRequest: 0.01,
  throttled: 0.01,
  delayed: 0.1,
  duplicated: 0.01,
  lateApply: 0.005,
};

beforeAll(async () => {
  for (const name of ACCEPTOR_TABLES) await createCoordinationTable(fixture().client, name);
});

const faultyClients: FaultInjectingClient[] = [];
function faulty(label: string, rates: FaultRates = FAULTS): FaultInjectingClient {
  const client = new FaultInjectingClient(fixture().client, {
    seed: deriveSeed(SEED, label),
    rates,
    maxDelayMs: 15,
  });
  faultyClients.push(client);
  return client;
}

function paxosFor(run: string, acceptors: number, quorum?: number) {
  return (proposer: number) =>
    new PaxosBallots(
      ACCEPTOR_TABLES.slice(0, acceptors).map(
        (tableName, i) =>
          new DynamoDbAcceptorStore({ id: `a${i}`, tableName, client: faulty(`${run}-p${proposer}-a${i}`) }),
      ),
      {
        random: seededRandom(deriveSeed(SEED, `${run}-backoff-${proposer}`)),
        backoffBaseMs: 5,
        backoffCapMs: 100,
        ...(quorum ? { quorum } : {}),
      },
    );
}

/** Every reader's view: what each `decide` returned, plus the decision record on every acceptor. */
async function readersView(result: BallotWorkloadResult, acceptors: number): Promise<DecisionObservation[]> {
  await Promise.all(faultyClients.map((c) => c.drain()));
  const records: DecisionObservation[] = [];
  const readers = ACCEPTOR_TABLES.slice(0, acceptors).map(
    (tableName, i) => new DynamoDbAcceptorStore({ id: `a${i}`, tableName, client: fixture().client }),
  );
  const ids = [...result.proposals.keys()];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let incidentId = ids.pop(); incidentId !== undefined; incidentId = ids.pop()) {
        const id = incidentId;
        const values = await Promise.all(readers.map((r) => r.readDecision(id)));
        values.forEach((value, i) => {
          if (value !== undefined) records.push({ incidentId: id, reader: `acceptor-${i}`, value });
        });
      }
    }),
  );
  return [...result.observations, ...records];
}

const incidents = (run: string, n: number) => Array.from({ length: n }, (_, i) => `${run}-${SEED}-${i}`);

describe('ballots under injected faults (seeded)', () => {
  it('decides one proposed plan per incident with one acceptor (write-once register)', async () => {
    const register = (p: number) =>
      new WriteOnceBallots(
        new DynamoDbDecisionRegister({
          client: faulty(`register-${p}`),
          tableName: fixture().tables.Coordination,
        }),
      );
    const result = await runBallotWorkload({
      seed: deriveSeed(SEED, 'register'),
      incidents: incidents('register', 200),
      proposers: 3,
      concurrency: 16,
      jitterMs: 3,
      ballotsFor: register,
    });
    const reads = new DynamoDbDecisionRegister({
      client: fixture().client,
      tableName: fixture().tables.Coordination,
    });
    const stored: DecisionObservation[] = [];
    await Promise.all(faultyClients.map((c) => c.drain()));
    for (const incidentId of result.proposals.keys()) {
      const value = await reads.read(incidentId);
      if (value !== undefined) stored.push({ incidentId, reader: 'table', value });
    }
    expect(checkDecisions(result.proposals, [...result.observations, ...stored]).violations).toEqual([]);
    expect(result.adopted).toBeGreaterThan(0);
  });

  it(`agrees on ${SOAK ? 10_000 : 1_000} contended incidents with 3 acceptors`, async () => {
    const n = SOAK ? 10_000 : 1_000;
    const result = await runBallotWorkload({
      seed: deriveSeed(SEED, 'paxos3'),
      incidents: incidents('paxos3', n),
      proposers: 2,
      concurrency: 24,
      jitterMs: 2,
      ballotsFor: paxosFor('paxos3', 3),
    });
    const view = await readersView(result, 3);
    console.info(
      `ballots: ${result.decideCalls} decide calls on ${n} incidents, ${result.adopted} adopted another's plan,`,
      `errors ${JSON.stringify(Object.fromEntries(result.errors))}, ${view.length} observations checked`,
    );
    expect(checkDecisions(result.proposals, view).violations).toEqual([]);
    expect(result.proposals.size).toBe(n);
    expect(result.observations.length).toBeGreaterThan(0.95 * result.decideCalls);
    expect(result.adopted).toBeGreaterThan(0.4 * n);
  });

  it('agrees with 5 acceptors', async () => {
    const result = await runBallotWorkload({
      seed: deriveSeed(SEED, 'paxos5'),
      incidents: incidents('paxos5', 60),
      proposers: 3,
      concurrency: 8,
      jitterMs: 2,
      ballotsFor: paxosFor('paxos5', 5),
    });
    expect(checkDecisions(result.proposals, await readersView(result, 5)).violations).toEqual([]);
  });

  it('catches a quorum of 1 among 3 acceptors (negative control)', async () => {
    const result = await runBallotWorkload({
      seed: deriveSeed(SEED, 'quorum1'),
      incidents: incidents('quorum1', 150),
      proposers: 3,
      concurrency: 8,
      jitterMs: 1,
      ballotsFor: paxosFor('quorum1', 3, 1),
    });
    expect(checkDecisions(result.proposals, await readersView(result, 3)).violations.length).toBeGreaterThan(
      0,
    );
  });

  it('decides once when every request is delivered twice', async () => {
    const acceptors = ACCEPTOR_TABLES.slice(0, 3).map(
      (tableName, i) =>
        new DynamoDbAcceptorStore({ id: `a${i}`, tableName, client: faulty(`dup-${i}`, { duplicated: 1 }) }),
    );
    const offer = { proposerId: 'p', plan: { runbook: 'restart' } };
    const decision = await new PaxosBallots(acceptors).decide(`dup-${SEED}`, offer);
    expect(decision).toMatchObject({ plan: offer.plan, adopted: false, roundTrips: 3 });
    const register = new WriteOnceBallots(
      new DynamoDbDecisionRegister({
        client: faulty('dup-register', { duplicated: 1 }),
        tableName: fixture().tables.Coordination,
      }),
    );
    expect(await register.decide(`dup-${SEED}`, offer)).toMatchObject({ adopted: false, roundTrips: 1 });
    expect(encodeValue(offer)).toContain('restart');
  });
});
