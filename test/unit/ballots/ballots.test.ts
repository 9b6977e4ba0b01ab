import { describe, expect, it } from 'vitest';
import {
  type AcceptorStore,
  DecisionUnknownError,
  encodeBallot,
  encodeValue,
  InMemoryAcceptor,
  InMemoryDecisionRegister,
  NoQuorumError,
  onAccept,
  onPrepare,
  PaxosBallots,
  WriteOnceBallots,
} from '../../../lib/ballots/index.js';
import { checkDecisions } from '../../../lib/testing/checkers.js';
import { seededRandom } from '../../../lib/testing/rng.js';

const noSleep = async () => {};
const proposal = (id: string) => ({ proposerId: id, plan: { runbook: `rb-${id}` }, epoch: 7 });

class DownAcceptor implements AcceptorStore {
  constructor(readonly id: string) {}
  prepare(): Promise<never> {
    return Promise.reject(new Error('unreachable'));
  }
  accept(): Promise<never> {
    return Promise.reject(new Error('unreachable'));
  }
  recordDecision(): Promise<never> {
    return Promise.reject(new Error('unreachable'));
  }
  readDecision(): Promise<never> {
    return Promise.reject(new Error('unreachable'));
  }
}

describe('encodeBallot', () => {
  it('orders encodings as ballots: by round, then proposer id', () => {
    const sorted = [
      { round: 1, proposerId: 'b' },
      { round: 2, proposerId: 'a' },
      { round: 10, proposerId: 'a' },
      { round: 10, proposerId: 'b' },
    ].map(encodeBallot);
    expect([...sorted].sort()).toEqual(sorted);
  });
});

describe('acceptor rules', () => {
  it('promises, accepts and reports the accepted value to a later, higher prepare only', () => {
    const b1 = encodeBallot({ round: 1, proposerId: 'a' });
    const b2 = encodeBallot({ round: 2, proposerId: 'b' });
    let s = onPrepare({}, b1).state;
    s = onAccept(s, b1, 'v1').state;
    const later = onPrepare(s, b2);
    expect(later.reply).toEqual({ kind: 'promise', accepted: { ballot: b1, value: 'v1' } });
    expect(onAccept(later.state, b1, 'v-late').reply).toEqual({ kind: 'reject', promised: b2 });
    expect(onPrepare(later.state, b1).reply.kind).toBe('reject');
  });
});

describe('WriteOnceBallots', () => {
  it('decides in one request and makes the loser adopt the stored plan', async () => {
    const register = new InMemoryDecisionRegister();
    const ballots = new WriteOnceBallots(register);
    const first = await ballots.decide('inc', proposal('a'));
    const second = await ballots.decide('inc', proposal('b'));
    expect(first).toMatchObject({
      plan: { runbook: 'rb-a' },
      proposerId: 'a',
      epoch: 7,
      adopted: false,
      roundTrips: 1,
    });
    expect(second).toMatchObject({
      plan: { runbook: 'rb-a' },
      proposerId: 'a',
      adopted: true,
      roundTrips: 1,
    });
  });

  it('resolves a put whose reply was lost by reading what is stored', async () => {
    const register = new InMemoryDecisionRegister();
    let lose = true;
    const flaky = {
      claim: async (id: string, v: string) => {
        const out = await register.claim(id, v);
        if (lose) {
          lose = false;
          throw new DecisionUnknownError('lost reply');
        }
        return out;
      },
      read: (id: string) => register.read(id),
    };
    expect(await new WriteOnceBallots(flaky).decide('inc', proposal('a'))).toMatchObject({
      proposerId: 'a',
      roundTrips: 2,
    });
  });
});

describe('PaxosBallots', () => {
  it('decides uncontended in three round trips and lets latecomers adopt in one', async () => {
    const acceptors = ['a', 'b', 'c'].map((id) => new InMemoryAcceptor(id));
    const first = await new PaxosBallots(acceptors, { sleep: noSleep }).decide('inc', proposal('p1'));
    expect(first).toMatchObject({ proposerId: 'p1', adopted: false, roundTrips: 3 });
    const late = await new PaxosBallots(acceptors, { sleep: noSleep }).decide('inc', proposal('p2'));
    expect(late).toMatchObject({ proposerId: 'p1', adopted: true, roundTrips: 1 });
  });

  it('agrees under contention and re-proposes an accepted value', async () => {
    const acceptors = ['a', 'b', 'c', 'd', 'e'].map((id) => new InMemoryAcceptor(id));
    const random = seededRandom(5);
    const results = await Promise.all(
      ['p1', 'p2', 'p3'].map((id) =>
        new PaxosBallots(acceptors, { sleep: noSleep, random }).decide('inc', proposal(id)),
      ),
    );
    const proposals = new Map([['inc', ['p1', 'p2', 'p3'].map((id) => encodeValue(proposal(id)))]]);
    const seen = results.map((r) => ({ incidentId: 'inc', reader: r.proposerId, value: encodeValue(r) }));
    expect(checkDecisions(proposals, seen).violations).toEqual([]);
  });

  it('tolerates a minority of acceptors down and gives up without a majority', async () => {
    const one = [new InMemoryAcceptor('a'), new InMemoryAcceptor('b'), new DownAcceptor('c')];
    expect((await new PaxosBallots(one, { sleep: noSleep }).decide('inc', proposal('p'))).proposerId).toBe(
      'p',
    );
    const two = [new InMemoryAcceptor('a'), new DownAcceptor('b'), new DownAcceptor('c')];
    await expect(
      new PaxosBallots(two, { sleep: noSleep, maxAttempts: 3 }).decide('inc', proposal('p')),
    ).rejects.toBeInstanceOf(NoQuorumError);
  });
});
