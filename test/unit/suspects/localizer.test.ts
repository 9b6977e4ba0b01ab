import { describe, expect, it } from 'vitest';
import { subscriptionEvent } from '../../../lib/drill/logs-subscription.js';
import { InMemoryIncidentStore } from '../../../lib/incidents/index.js';
import { MalformedLogsPayloadError } from '../../../lib/localization/index.js';
import {
  type LocalizerState,
  type LocalizerStore,
  localizeBatch,
  resourceMapping,
  type StoredSuspect,
} from '../../../lib/suspects/index.js';

/** An in-memory LocalizerStore with the adapter's semantics (versioned conditional save), for pure-logic tests. */
class MemoryLocalizerStore implements LocalizerStore {
  states = new Map<string, { state: LocalizerState; version: number }>();
  suspects = new Map<string, { suspects: StoredSuspect[]; at: string }>();
  saves = 0;
  conflictsToInject = 0;
  async load(logGroup: string) {
    const entry = this.states.get(logGroup);
    return { state: entry?.state, version: entry?.version ?? 0 };
  }
  async save(logGroup: string, state: LocalizerState, expectedVersion: number) {
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      return 'conflict' as const;
    }
    if ((this.states.get(logGroup)?.version ?? 0) !== expectedVersion) return 'conflict' as const;
    this.saves += 1;
    this.states.set(logGroup, { state: JSON.parse(JSON.stringify(state)), version: expectedVersion + 1 });
    return 'saved' as const;
  }
  async putSuspects(resourceId: string, suspects: readonly StoredSuspect[], at: string) {
    this.suspects.set(resourceId, { suspects: [...suspects], at });
  }
  async getSuspects(resourceId: string) {
    return this.suspects.get(resourceId);
  }
}

const minute = (m: number) => Date.UTC(2026, 0, 1, 0, m);
const healthy = (node: string, m: number) =>
  subscriptionEvent('/app', node, [
    { timestamp: minute(m) + 1000, message: `INFO GET /cart/${m} 200 12ms` },
    { timestamp: minute(m) + 2000, message: 'INFO heartbeat ok uptime=100s' },
  ]);
const failing = (node: string, m: number) =>
  subscriptionEvent('/app', node, [
    {
      timestamp: minute(m) + 1000,
      message: `ERROR db connection refused to 10.0.0.${m}:5432 after 3 attempts`,
    },
    {
      timestamp: minute(m) + 2000,
      message: `ERROR db connection refused to 10.0.0.${m + 1}:5432 after 2 attempts`,
    },
  ]);

function deps(store: MemoryLocalizerStore) {
  return {
    store,
    incidents: new InMemoryIncidentStore(),
    resourceFor: resourceMapping(JSON.stringify({ '/app': 'RingId=checkout' })),
    now: () => new Date('2026-01-01T01:00:00Z'),
  };
}

describe('localizeBatch', () => {
  it('ranks the node that starts failing first and stores the ranking for its resource', async () => {
    const store = new MemoryLocalizerStore();
    for (let m = 0; m < 5; m += 1) {
      for (const node of ['a', 'b', 'c']) await localizeBatch(healthy(node, m), deps(store));
    }
    await localizeBatch(failing('b', 5), deps(store));
    const outcome = await localizeBatch(healthy('a', 6), deps(store));
    expect(outcome.kind).toBe('ranked');
    expect(store.suspects.get('RingId=checkout')?.suspects[0]?.id).toBe('b');
  });

  it('counts a redelivered batch once', async () => {
    const store = new MemoryLocalizerStore();
    const batch = healthy('a', 0);
    expect((await localizeBatch(batch, deps(store))).kind).toBe('ranked');
    expect((await localizeBatch(batch, deps(store))).kind).toBe('duplicate');
    expect(store.saves).toBe(1);
  });

  it('re-reads and re-applies after a conflicting save', async () => {
    const store = new MemoryLocalizerStore();
    store.conflictsToInject = 2;
    expect((await localizeBatch(healthy('a', 0), deps(store))).kind).toBe('ranked');
    expect(store.saves).toBe(1);
  });

  it('rejects a malformed delivery with a typed error and writes nothing', async () => {
    const store = new MemoryLocalizerStore();
    await expect(localizeBatch({ awslogs: { data: 'not-gzip' } }, deps(store))).rejects.toBeInstanceOf(
      MalformedLogsPayloadError,
    );
    expect(store.saves).toBe(0);
    expect(store.suspects.size).toBe(0);
  });

  it('drops events stamped too far ahead of its clock instead of letting them close the window', async () => {
    const store = new MemoryLocalizerStore();
    const future = Date.parse('2026-01-01T01:00:00Z') + 10 * 60_000;
    const outcome = await localizeBatch(
      subscriptionEvent('/app', 'a', [
        { timestamp: minute(1), message: 'INFO GET /cart/1 200 12ms' },
        { timestamp: future, message: 'ERROR clock is wrong here' },
      ]),
      deps(store),
    );
    expect(outcome).toMatchObject({ kind: 'ranked', events: 1, dropped: 1 });
  });

  it('maps unlisted log groups to a resource of their own', () => {
    expect(resourceMapping(undefined)('/x')).toBe('logGroup:/x');
  });
});
