import { PutItemCommand, type ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbLeaseItemSource,
  DynamoDbRingItemSource,
  parseLeaseItemKey,
} from '../../../lib/adapters/audit-sources.js';
import type { DynamoDbSender } from '../../../lib/adapters/dynamodb-coordination-common.js';
import { DynamoDbLeaseStore, leaseItemKey } from '../../../lib/adapters/dynamodb-lease-store.js';
import { DynamoDbRingStore } from '../../../lib/adapters/dynamodb-ring-store.js';
import { type AlarmItem, runAudit } from '../../../lib/audit/index.js';
import { type Lease, Leases, Semaphore } from '../../../lib/leases/index.js';
import { createRing, decodeMembers, drain, encodeMembers, member } from '../../../lib/ring/index.js';
import { ManualClock } from '../../../lib/testing/index.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';

const fixture = useDynamoDbLocal();
const MIN = 60_000;
const clock = new ManualClock('audit-it', Date.UTC(2026, 10, 26, 1, 0, 0));
/** Scan requests sent, to show the sources follow LastEvaluatedKey. */
let scans = 0;
const counting = (): DynamoDbSender => ({
  send: ((command: ScanCommand) => {
    if (command.constructor.name === 'ScanCommand') scans++;
    return fixture().client.send(command);
  }) as DynamoDbSender['send'],
});
const expectAcquired = (r: { kind: string; lease?: Lease }): Lease => {
  if (r.kind !== 'acquired' || !r.lease) throw new Error(`expected an acquired lease, got ${r.kind}`);
  return r.lease;
};

describe('audit sources on DynamoDB Local', () => {
  const ringTime = () => new Date(clock.wallMs());

  beforeAll(async () => {
    const { client, tables } = fixture();
    const leases = new Leases(new DynamoDbLeaseStore({ client, tableName: tables.Coordination }), { clock });
    const semaphore = new Semaphore(leases);
    // 01:00 — a recovery takes i-crashed and one slot of the pool, then dies without releasing either.
    await leases.acquire('i-crashed', 'recovery-1', 2 * MIN).then(expectAcquired);
    await semaphore.acquire('recovery', 'recovery-1', 3, 2 * MIN).then(expectAcquired);
    // A recovery that finished properly: released, never stale however old.
    const done = await leases.acquire('i-done', 'recovery-2', 2 * MIN).then(expectAcquired);
    await leases.release(done);
    // Another item type shares the coordination table: the lease source must skip it.
    await client.send(
      new PutItemCommand({
        TableName: tables.Coordination,
        Item: { pk: { S: 'ballot#inc-1' }, sk: { S: 'decision' }, token: { N: '1' }, value: { S: 'plan' } },
      }),
    );

    const rings = new DynamoDbRingStore({ client, tableName: tables.Ring });
    await createRing(rings, 'default', [member('node-a'), member('node-b'), member('node-c', 2)], {
      now: ringTime,
    });
    await drain({ store: rings, ringId: 'default', nodeId: 'node-b', now: ringTime, vnodes: 64 });
    await createRing(rings, 'unwatched', [member('x'), member('y')], { now: ringTime });
    await client.send(
      new PutItemCommand({ TableName: tables.Ring, Item: { pk: { S: 'meta#x' }, sk: { S: 'other' } } }),
    );

    // 02:50 — a live recovery holds i-live and another slot (renewed moments ago).
    clock.advance(110 * MIN);
    await leases.acquire('i-live', 'recovery-9', 2 * MIN).then(expectAcquired);
    await semaphore.acquire('recovery', 'recovery-9', 3, 2 * MIN, { start: 0.5 }).then(expectAcquired);
  });

  it('scans every lease and semaphore item back, page by page, and nothing else', async () => {
    const { tables } = fixture();
    scans = 0;
    const items = await new DynamoDbLeaseItemSource({
      client: counting(),
      tableName: tables.Coordination,
      pageSize: 2,
    }).listLeaseItems();
    expect(scans).toBeGreaterThan(2);
    const byKey = Object.fromEntries(
      items.map((i) => [i.slot === undefined ? i.resource : `${i.resource}/${i.slot}`, i]),
    );
    expect(Object.keys(byKey).sort()).toEqual(['i-crashed', 'i-done', 'i-live', 'recovery/0', 'recovery/1']);
    const start = Date.UTC(2026, 10, 26, 1, 0, 0);
    expect(byKey['i-crashed']).toEqual({
      resource: 'i-crashed',
      token: 1,
      nonce: expect.any(String),
      owner: 'recovery-1',
      beat: 0,
      released: false,
      leaseMs: 2 * MIN,
      holderExpiresAtWallMs: start + 2 * MIN,
    });
    expect(byKey['i-done']?.released).toBe(true);
    expect(byKey['recovery/1']).toMatchObject({ owner: 'recovery-9', released: false, slot: 1 });
  });

  it('scans every ring back with its encoded members and update time', async () => {
    const { tables } = fixture();
    scans = 0;
    const rings = await new DynamoDbRingItemSource({
      client: counting(),
      tableName: tables.Ring,
      pageSize: 1,
    }).listRings();
    expect(scans).toBeGreaterThan(1);
    const byId = Object.fromEntries(rings.map((r) => [r.ringId, r]));
    expect(Object.keys(byId).sort()).toEqual(['default', 'unwatched']);
    expect(byId.default).toEqual({
      ringId: 'default',
      version: 2,
      encodedMembers: encodeMembers([member('node-a'), member('node-b', 1, 'draining'), member('node-c', 2)]),
      updatedAt: '2026-11-26T01:00:00.000Z',
    });
    expect(decodeMembers(byId.unwatched?.encodedMembers ?? '')).toEqual([member('x'), member('y')]);
  });

  it('feeds the checks end to end: stale lease and slot, drained member, unwatched ring', async () => {
    const { client, tables } = fixture();
    const alarms: AlarmItem[] = [
      {
        name: 'fleet-default',
        type: 'metric',
        state: 'OK',
        dimensions: [{ name: 'RingId', value: 'default' }],
      },
    ];
    const report = await runAudit(
      {
        leases: new DynamoDbLeaseItemSource({ client, tableName: tables.Coordination }),
        rings: new DynamoDbRingItemSource({ client, tableName: tables.Ring }),
        alarms: { listAlarms: async () => alarms },
      },
      { nowMs: clock.wallMs(), thresholds: { vnodes: 64, ringMaxOverMean: 2 } },
    );
    expect(report.findings.map((f) => [f.check, f.severity, f.resource])).toEqual([
      ['ring-member-not-up', 'warning', 'ring:default/node-b'],
      ['ring-without-alarm', 'critical', 'ring:unwatched'],
      ['stale-lease', 'warning', 'lease:i-crashed'],
      ['stale-lease', 'warning', 'semaphore:recovery/slot:0'],
    ]);
    expect(report.findings.find((f) => f.resource === 'lease:i-crashed')?.detail.expiredForMs).toBe(
      108 * MIN,
    );
  });

  it('reads back exactly the keys leaseItemKey writes', () => {
    for (const key of [
      { resource: 'i-0abc' },
      { resource: 'pool#1', slot: 7 },
      { resource: 'a#b', slot: 1234 },
    ]) {
      const { pk, sk } = leaseItemKey(key);
      expect(parseLeaseItemKey(pk, sk)).toEqual(key);
    }
    expect(parseLeaseItemKey('ballot#x', 'lease')).toBeUndefined();
    expect(parseLeaseItemKey('semaphore#x', 'meta')).toBeUndefined();
  });
});
