import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AcceptorStore, DecisionRegister } from '../ballots/ballot-store.js';
import { DecisionUnknownError, ThrottledError } from '../ballots/errors.js';
import type { AcceptReply, PrepareReply } from '../ballots/paxos.js';
import { classify, conditionalItem, type DynamoDbSender, str } from './dynamodb-coordination-common.js';

export interface DynamoDbBallotStoreOptions {
  readonly client: DynamoDbSender;
  /** The coordination table (`process.env.COORDINATION_TABLE`), or one acceptor's table. */
  readonly tableName: string;
}

function translate(error: unknown, what: string): Error {
  switch (classify(error)) {
    case 'throttled':
      return new ThrottledError(`${what}: ${String(error)}`);
    case 'fatal':
      return error as Error;
    default:
      return new DecisionUnknownError(`${what}: outcome unknown (${String(error)})`);
  }
}

/**
 * The one-acceptor ballot: a write-once register item per incident. `claim` is one PutItem with
 * `attribute_not_exists` and ReturnValuesOnConditionCheckFailure=ALL_OLD, so the loser learns the winner's plan
 * from the same request.
 *
 * @example
 * const ballots = new WriteOnceBallots(new DynamoDbDecisionRegister({ client, tableName: process.env.COORDINATION_TABLE! }));
 */
export class DynamoDbDecisionRegister implements DecisionRegister {
  constructor(private readonly options: DynamoDbBallotStoreOptions) {}

  async claim(incidentId: string, value: string): Promise<{ stored: string; won: boolean }> {
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: { ...registerKey(incidentId), value: { S: value } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { stored: value, won: true };
    } catch (error) {
      if (classify(error) === 'conditional') {
        const stored = str(conditionalItem(error), 'value');
        if (stored !== undefined) return { stored, won: stored === value };
      }
      throw translate(error, `claim ${incidentId}`);
    }
  }

  async read(incidentId: string): Promise<string | undefined> {
    try {
      const out = await this.options.client.send(
        new GetItemCommand({
          TableName: this.options.tableName,
          Key: registerKey(incidentId),
          ConsistentRead: true,
        }),
      );
      return str(out.Item, 'value');
    } catch (error) {
      throw translate(error, `read decision ${incidentId}`);
    }
  }
}

const registerKey = (incidentId: string) => ({ pk: { S: `ballot#${incidentId}` }, sk: { S: 'decision' } });
const acceptorKey = (incidentId: string) => ({ pk: { S: `paxos#${incidentId}` }, sk: { S: 'acceptor' } });

const NAMES = { '#p': 'promised', '#ab': 'acceptedBallot', '#av': 'acceptedValue', '#d': 'decided' };

/**
 * One Paxos acceptor on one table (give each acceptor its own table and client, e.g. one per region). Each phase
 * is one conditional UpdateItem implementing the rules of lib/ballots/paxos.ts: promise/accept only when no higher
 * ballot was promised (`attribute_not_exists(promised) OR promised <= :b`, ballots encoded so byte order is
 * ballot order); the old image comes back either way (ALL_OLD), carrying any accepted value and decision.
 *
 * @example
 * const acceptors = tables.map((tableName, i) => new DynamoDbAcceptorStore({ id: `a${i}`, client: clients[i], tableName }));
 * const ballots = new PaxosBallots(acceptors);
 */
export class DynamoDbAcceptorStore implements AcceptorStore {
  readonly id: string;

  constructor(private readonly options: DynamoDbBallotStoreOptions & { readonly id: string }) {
    this.id = options.id;
  }

  async prepare(incidentId: string, ballot: string): Promise<PrepareReply> {
    try {
      const out = await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: acceptorKey(incidentId),
          UpdateExpression: 'SET #p = :b',
          ConditionExpression: 'attribute_not_exists(#p) OR #p <= :b',
          ExpressionAttributeNames: { '#p': NAMES['#p'] },
          ExpressionAttributeValues: { ':b': { S: ballot } },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      const acceptedBallot = str(old, 'acceptedBallot');
      const acceptedValue = str(old, 'acceptedValue');
      const decided = str(old, 'decided');
      return {
        kind: 'promise',
        ...(acceptedBallot !== undefined && acceptedValue !== undefined
          ? { accepted: { ballot: acceptedBallot, value: acceptedValue } }
          : {}),
        ...(decided !== undefined ? { decided } : {}),
      };
    } catch (error) {
      return this.rejection(error, `prepare ${incidentId} on ${this.id}`);
    }
  }

  async accept(incidentId: string, ballot: string, value: string): Promise<AcceptReply> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: acceptorKey(incidentId),
          UpdateExpression: 'SET #p = :b, #ab = :b, #av = :v',
          ConditionExpression: 'attribute_not_exists(#p) OR #p <= :b',
          ExpressionAttributeNames: { '#p': NAMES['#p'], '#ab': NAMES['#ab'], '#av': NAMES['#av'] },
          ExpressionAttributeValues: { ':b': { S: ballot }, ':v': { S: value } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'accepted' };
    } catch (error) {
      return this.rejection(error, `accept ${incidentId} on ${this.id}`);
    }
  }

  async recordDecision(incidentId: string, value: string): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: acceptorKey(incidentId),
          UpdateExpression: 'SET #d = :v',
          ConditionExpression: 'attribute_not_exists(#d)',
          ExpressionAttributeNames: { '#d': NAMES['#d'] },
          ExpressionAttributeValues: { ':v': { S: value } },
        }),
      );
    } catch (error) {
      // Already recorded (by us on a duplicate delivery, or by another learner of the same decision): fine.
      if (classify(error) === 'conditional') return;
      throw translate(error, `record decision ${incidentId} on ${this.id}`);
    }
  }

  async readDecision(incidentId: string): Promise<string | undefined> {
    try {
      const out = await this.options.client.send(
        new GetItemCommand({
          TableName: this.options.tableName,
          Key: acceptorKey(incidentId),
          ConsistentRead: true,
        }),
      );
      return str(out.Item, 'decided');
    } catch (error) {
      throw translate(error, `read decision ${incidentId} on ${this.id}`);
    }
  }

  private rejection(error: unknown, what: string): { kind: 'reject'; promised: string; decided?: string } {
    if (classify(error) !== 'conditional') throw translate(error, what);
    const old = conditionalItem(error);
    const decided = str(old, 'decided');
    return {
      kind: 'reject',
      promised: str(old, 'promised') ?? '',
      ...(decided !== undefined ? { decided } : {}),
    };
  }
}
