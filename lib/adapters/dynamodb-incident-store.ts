import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  IncidentConfigError,
  IncidentNotFoundError,
  IncidentStatusConflictError,
  IncidentStoreError,
  IncidentWriteConflictError,
} from '../incidents/errors.js';
import { assertTransition, type Incident, type TimelineEntry, timelineKey } from '../incidents/incident.js';
import type {
  AlarmObservation,
  Episode,
  IncidentStore,
  ResourceSnapshot,
  TransitionRequest,
  TransitionResult,
} from '../incidents/incident-store.js';

export interface DynamoDbIncidentStoreOptions {
  readonly client: DynamoDBClient;
  /** @default process.env.INCIDENTS_TABLE */
  readonly tableName?: string;
  /** Attempts of read-check-write loops (`transition`) under contention. @default 8 */
  readonly maxAttempts?: number;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const incidentKey = (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: 'META' });
const guardKey = (resourceId: string) => ({ pk: `RESOURCE#${resourceId}`, sk: 'GUARD' });
const stateKey = (resourceId: string) => ({ pk: `RESOURCE#${resourceId}`, sk: 'STATE' });

/**
 * `IncidentStore` on the incidents table (DynamoDB). Every write is conditional; multi-item changes (incident +
 * guard + resource state + timeline entry) are single TransactWriteItems, so a crash leaves either all or
 * nothing. Reads are strongly consistent. Conditional-check failures become `'conflict'` results or typed
 * errors; other SDK failures become `IncidentStoreError`.
 *
 * @example
 * const store = new DynamoDbIncidentStore({ client: new DynamoDBClient({}) }); // table from INCIDENTS_TABLE
 * const open = await store.findOpen('InstanceId=i-12345678901234567');
 */
export class DynamoDbIncidentStore implements IncidentStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly maxAttempts: number;

  constructor(options: DynamoDbIncidentStoreOptions) {
    const table = options.tableName ?? process.env.INCIDENTS_TABLE;
    if (!table) throw new IncidentConfigError('DynamoDbIncidentStore needs tableName or INCIDENTS_TABLE');
    this.table = table;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
  }

  async get(incidentId: string): Promise<Incident | undefined> {
    const out = await this.call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: incidentKey(incidentId), ConsistentRead: true }),
      ),
    );
    return out.Item ? toIncident(out.Item) : undefined;
  }

  async findOpen(resourceId: string): Promise<Incident | undefined> {
    const out = await this.call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: guardKey(resourceId), ConsistentRead: true }),
      ),
    );
    const id = out.Item?.incidentId;
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  async attachSuspects(incidentId: string, suspects: readonly unknown[], at: string): Promise<Incident> {
    const ok = await this.transact([
      {
        Update: {
          TableName: this.table,
          Key: incidentKey(incidentId),
          UpdateExpression: 'SET suspects = :s, suspectsAttachedAt = :at, updatedAt = :at ADD version :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':s': [...suspects], ':at': at, ':one': 1 },
        },
      },
      this.putEntry(incidentId, { at, kind: 'suspects-attached', detail: { count: suspects.length } }),
    ]);
    const incident = await this.get(incidentId);
    if (!ok || !incident) throw new IncidentNotFoundError(incidentId);
    return incident;
  }

  async transition(incidentId: string, request: TransitionRequest): Promise<TransitionResult> {
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const incident = await this.get(incidentId);
      if (!incident) throw new IncidentNotFoundError(incidentId);
      if (!request.from.includes(incident.status)) {
        throw new IncidentStatusConflictError(incidentId, request.from, incident.status);
      }
      if (incident.status === request.to) {
        // A retried transition that already happened: re-assert the (idempotent) entry, change nothing else.
        await this.appendTimeline(incidentId, request.entry);
        return { incident, previousStatus: incident.status };
      }
      assertTransition(incident.status, request.to);
      const frees = incident.holdsGuard && (request.to === 'RESOLVED' || request.to === 'ESCALATED');
      const items: TransactItem[] = [
        {
          Update: {
            TableName: this.table,
            Key: incidentKey(incidentId),
            UpdateExpression: 'SET #status = :to, holdsGuard = :hg, updatedAt = :at, version = :next',
            ConditionExpression: 'version = :v',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': request.to,
              ':hg': incident.holdsGuard && !frees,
              ':at': request.entry.at,
              ':v': incident.version,
              ':next': incident.version + 1,
            },
          },
        },
        this.putEntry(incidentId, request.entry),
      ];
      if (frees) {
        items.push({
          Delete: {
            TableName: this.table,
            Key: guardKey(incident.resourceId),
            ConditionExpression: 'attribute_not_exists(pk) OR incidentId = :id',
            ExpressionAttributeValues: { ':id': incidentId },
          },
        });
      }
      if (request.to === 'RESOLVED' && incident.remediation === 'auto') {
        const at = Date.parse(request.entry.at);
        const state = await this.readState(incident.resourceId);
        if (state.lastRemediatedAt === undefined || state.lastRemediatedAt < at) {
          items.push(this.writeState(incident.resourceId, state.version, { lastRemediatedAt: at }));
        }
      }
      if (await this.transact(items)) {
        return {
          incident: {
            ...incident,
            status: request.to,
            holdsGuard: incident.holdsGuard && !frees,
            updatedAt: request.entry.at,
            version: incident.version + 1,
          },
          previousStatus: incident.status,
        };
      }
    }
    throw new IncidentWriteConflictError(
      `transition of ${incidentId} lost ${this.maxAttempts} conditional writes`,
    );
  }

  async appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void> {
    const ok = await this.transact([this.incidentExists(incidentId), this.putEntry(incidentId, entry)]);
    if (!ok) throw new IncidentNotFoundError(incidentId);
  }

  async listTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.call(() =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tl)',
            ExpressionAttributeValues: { ':pk': `INCIDENT#${incidentId}`, ':tl': 'TL#' },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        entries.push({
          at: String(item.at),
          kind: String(item.kind),
          ...(item.detail !== undefined ? { detail: item.detail as Record<string, unknown> } : {}),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async loadResource(resourceId: string): Promise<ResourceSnapshot> {
    // Guard and state share the partition: one strongly consistent query reads both.
    const out = await this.call(() =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `RESOURCE#${resourceId}` },
          ConsistentRead: true,
        }),
      ),
    );
    const guard = out.Items?.find((i) => i.sk === 'GUARD');
    const state = stateOf(out.Items?.find((i) => i.sk === 'STATE'));
    const guardIncidentId = typeof guard?.incidentId === 'string' ? guard.incidentId : undefined;
    const incidentId = guardIncidentId ?? state.lastEpisode?.incidentId;
    const incident = incidentId !== undefined ? await this.get(incidentId) : undefined;
    return {
      resourceId,
      version: state.version,
      ...(guardIncidentId !== undefined ? { guardIncidentId } : {}),
      ...(state.lastEpisode ? { lastEpisode: state.lastEpisode } : {}),
      ...(state.lastRemediatedAt !== undefined ? { lastRemediatedAt: state.lastRemediatedAt } : {}),
      ...(incident ? { incident } : {}),
    };
  }

  async createIncident(
    incident: Incident,
    options: { readonly expectedVersion: number; readonly episode: Episode; readonly entry: TimelineEntry },
  ): Promise<'created' | 'conflict'> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...incidentKey(incident.incidentId), type: 'incident', ...incident },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.writeState(incident.resourceId, options.expectedVersion, { lastEpisode: options.episode }),
      this.putEntry(incident.incidentId, options.entry),
    ];
    if (incident.holdsGuard) {
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...guardKey(incident.resourceId),
            type: 'guard',
            incidentId: incident.incidentId,
            openedAt: incident.openedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    return (await this.transact(items)) ? 'created' : 'conflict';
  }

  async recordAlarm(
    incidentId: string,
    observation: AlarmObservation,
    options: {
      readonly resourceId: string;
      readonly expectedVersion: number;
      readonly episode?: Episode;
      readonly entry: TimelineEntry;
    },
  ): Promise<'recorded' | 'conflict'> {
    const items: TransactItem[] = [this.putEntry(incidentId, options.entry), this.incidentExists(incidentId)];
    if (options.episode) {
      items.push(
        this.writeState(options.resourceId, options.expectedVersion, { lastEpisode: options.episode }),
      );
    }
    if (!(await this.transact(items))) {
      if (!(await this.get(incidentId))) throw new IncidentNotFoundError(incidentId);
      return 'conflict';
    }
    // Monotonic, idempotent follow-up: the applied alarm state only moves to newer CloudWatch timestamps.
    // Kept out of the transaction so an older observation does not cancel the episode update.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: incidentKey(incidentId),
          UpdateExpression: 'SET alarmState = :s, alarmStateAt = :t ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND alarmStateAt < :t',
          ExpressionAttributeValues: { ':s': observation.state, ':t': observation.stateChangedAt, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw storeError('recordAlarm', error);
    }
    // Likewise monotonic: an earlier ALARM of the same episode arriving late moves the fault's start back.
    if (observation.state === 'ALARM') {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: incidentKey(incidentId),
            UpdateExpression: 'SET firstAlarmAt = :t ADD version :one',
            ConditionExpression: 'attribute_exists(pk) AND firstAlarmAt > :t',
            ExpressionAttributeValues: { ':t': observation.stateChangedAt, ':one': 1 },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw storeError('recordAlarm', error);
      }
    }
    return 'recorded';
  }

  async markExecutionStarted(
    incidentId: string,
    options: { readonly at: string; readonly executionArn?: string },
  ): Promise<Incident> {
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const incident = await this.get(incidentId);
      if (!incident) throw new IncidentNotFoundError(incidentId);
      if (incident.executionStarted) return incident;
      const ok = await this.transact([
        {
          Update: {
            TableName: this.table,
            Key: incidentKey(incidentId),
            UpdateExpression: `SET executionStarted = :true, updatedAt = :at${
              options.executionArn !== undefined ? ', executionArn = :arn' : ''
            } ADD version :one`,
            ConditionExpression: 'executionStarted = :false',
            ExpressionAttributeValues: {
              ':true': true,
              ':false': false,
              ':at': options.at,
              ':one': 1,
              ...(options.executionArn !== undefined ? { ':arn': options.executionArn } : {}),
            },
          },
        },
        this.putEntry(incidentId, {
          at: options.at,
          kind: 'execution-started',
          detail: {
            executionName: incident.executionName,
            ...(options.executionArn ? { executionArn: options.executionArn } : {}),
          },
        }),
      ]);
      if (ok) return (await this.get(incidentId)) ?? incident;
    }
    throw new IncidentWriteConflictError(`could not mark the execution of ${incidentId} as started`);
  }

  private putEntry(incidentId: string, entry: TimelineEntry): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: `INCIDENT#${incidentId}`,
          sk: timelineKey(entry),
          type: 'timeline',
          at: entry.at,
          kind: entry.kind,
          ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
        },
      },
    };
  }

  private incidentExists(incidentId: string): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: incidentKey(incidentId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    };
  }

  /** Writes resource-state attributes, conditioned on the version the caller read (0: item absent). */
  private writeState(
    resourceId: string,
    expectedVersion: number,
    values: { lastEpisode?: Episode; lastRemediatedAt?: number },
  ): TransactItem {
    const names: Record<string, string> = {};
    const vals: Record<string, unknown> = { ':next': expectedVersion + 1 };
    const sets = ['version = :next', '#type = :type'];
    names['#type'] = 'type';
    vals[':type'] = 'resource-state';
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      sets.push(`#${key} = :${key}`);
      names[`#${key}`] = key;
      vals[`:${key}`] = value;
    }
    if (expectedVersion > 0) vals[':v'] = expectedVersion;
    return {
      Update: {
        TableName: this.table,
        Key: stateKey(resourceId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: vals,
      },
    };
  }

  private async readState(resourceId: string): Promise<ReturnType<typeof stateOf>> {
    const out = await this.call(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: stateKey(resourceId), ConsistentRead: true }),
      ),
    );
    return stateOf(out.Item);
  }

  /** Runs a transaction; false when a condition failed or it collided with another transaction. */
  private async transact(items: TransactItem[]): Promise<boolean> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError('TransactWriteItems', error);
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw storeError('read', error);
    }
  }
}

function stateOf(item: Record<string, unknown> | undefined): {
  version: number;
  lastEpisode?: Episode;
  lastRemediatedAt?: number;
} {
  if (!item) return { version: 0 };
  const episode = item.lastEpisode as Episode | undefined;
  return {
    version: Number(item.version ?? 0),
    ...(episode ? { lastEpisode: { ...episode } } : {}),
    ...(typeof item.lastRemediatedAt === 'number' ? { lastRemediatedAt: item.lastRemediatedAt } : {}),
  };
}

function toIncident(item: Record<string, unknown>): Incident {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as Incident;
}

/** Condition failures (and transaction collisions, which are contention too) are expected outcomes. */
function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionConflictException')
    return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}

function storeError(operation: string, error: unknown): IncidentStoreError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IncidentStoreError(`incidents table ${operation} failed: ${message}`, error);
}
