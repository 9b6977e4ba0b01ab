import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ringCommand } from '../../../bin/commands/ring.js';
import { DynamoDbRingStore } from '../../../lib/adapters/dynamodb-ring-store.js';
import { localAwsConfig } from '../../../lib/local/local-aws-config.js';
import {
  addMember,
  changeRing,
  clearRingCache,
  createRing,
  drain,
  getRing,
  member,
  removeMember,
  restore,
} from '../../../lib/ring/index.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';
import { ringStoreContract } from '../../unit/ring/ring-store-contract.js';

const fixture = useDynamoDbLocal();
const vnodes = 64; // plans are exercised in unit tests; keep builds cheap here
const storeFor = (client: DynamoDBClient = fixture().client) =>
  new DynamoDbRingStore({ client, tableName: fixture().tables.Ring });
/** A separate SDK client, as another Lambda or the CLI would have. */
const otherClient = () => new DynamoDBClient({ ...localAwsConfig(), endpoint: fixture().ddb.endpoint });

ringStoreContract('DynamoDbRingStore on DynamoDB Local', () => storeFor());

describe('DynamoDbRingStore', () => {
  it('never loses an update when several clients change membership at once', async () => {
    const ringId = 'concurrent';
    await createRing(
      storeFor(),
      ringId,
      ['shared-0', 'shared-1', 'shared-2'].map((id) => member(id)),
    );
    const writers = 6;
    const perWriter = 4;
    const clients = Array.from({ length: writers }, otherClient);
    try {
      await Promise.all(
        clients.map(async (client, w) => {
          const store = storeFor(client);
          for (let i = 0; i < perWriter; i++) {
            await addMember(store, ringId, { id: `w${w}-m${i}` }, { vnodes, maxAttempts: 50 });
          }
          // Everyone also drains and restores the same shared member: idempotent steps racing each other.
          await drain({ store, ringId, nodeId: `shared-${w % 3}`, vnodes, maxAttempts: 50 });
        }),
      );
    } finally {
      for (const client of clients) client.destroy();
    }
    const record = await storeFor().read(ringId);
    const ids = record?.members.map((m) => m.id) ?? [];
    for (let w = 0; w < writers; w++)
      for (let i = 0; i < perWriter; i++) expect(ids).toContain(`w${w}-m${i}`);
    expect(
      record?.members.filter((m) => m.id.startsWith('shared-')).every((m) => m.state === 'draining'),
    ).toBe(true);
    // Each add and each first drain bumped the version exactly once; repeated drains wrote nothing.
    expect(record?.version).toBe(1 + writers * perWriter + 3);
  });

  it('does not let a stale cached ring write', async () => {
    clearRingCache();
    const ringId = 'stale-cache';
    const mine = storeFor();
    await createRing(mine, ringId, [member('a'), member('b')]);
    const cached = await getRing(mine, ringId, { vnodes });
    const client = otherClient();
    try {
      await addMember(storeFor(client), ringId, { id: 'c' }, { vnodes }); // another process: version 2
    } finally {
      client.destroy();
    }
    expect((await getRing(mine, ringId, { vnodes })).version).toBe(1); // still cached, within maxAgeMs
    const refused = await mine.write(ringId, cached.version, {
      members: [member('b')],
      version: cached.version + 1,
      updatedAt: new Date().toISOString(),
    });
    expect(refused).toEqual({ kind: 'conflict' });
    await removeMember(mine, ringId, 'a', { vnodes });
    expect((await mine.read(ringId))?.members.map((m) => m.id)).toEqual(['b', 'c']);
    const fresh = await getRing(mine, ringId, { vnodes, maxAgeMs: 0 });
    expect(fresh.version).toBe(3);
  });

  it('fences drain and restore with lease tokens', async () => {
    const ringId = 'fenced';
    const store = storeFor();
    await createRing(store, ringId, [member('a'), member('b'), member('c')]);
    const resource = 'incident/i-123';
    const drained = await drain({ store, ringId, nodeId: 'a', fence: { resource, token: 3 }, vnodes });
    expect(drained.version).toBe(2);
    expect(drained.plan.transfers.every((t) => t.from === 'a')).toBe(true);
    await expect(
      restore({ store, ringId, nodeId: 'a', fence: { resource, token: 2 }, vnodes }),
    ).rejects.toMatchObject({
      name: 'StaleFencingTokenError',
      highestSeen: 3,
    });
    const restored = await restore({ store, ringId, nodeId: 'a', fence: { resource, token: 4 }, vnodes });
    expect(restored.version).toBe(3);
    expect((await store.read(ringId))?.fences).toEqual({ [resource]: 4 });
  });

  it('refuses the older of two racing fenced writers', async () => {
    const ringId = 'fence-race';
    const store = storeFor();
    await createRing(
      store,
      ringId,
      ['a', 'b', 'c', 'd'].map((id) => member(id)),
    );
    const resource = 'incident/race';
    const client = otherClient();
    try {
      const results = await Promise.allSettled([
        changeRing(store, ringId, { kind: 'drain', id: 'a' }, { fence: { resource, token: 10 }, vnodes }),
        changeRing(
          storeFor(client),
          ringId,
          { kind: 'drain', id: 'b' },
          { fence: { resource, token: 9 }, vnodes },
        ),
      ]);
      expect(results[0].status).toBe('fulfilled');
      // Token 9 may win the race only if it wrote first; then token 10 still succeeds after it. Either way the
      // ring never takes a token-9 write after a token-10 one.
      const record = await store.read(ringId);
      expect(record?.fences[resource]).toBe(10);
      if (results[1].status === 'rejected') {
        expect(results[1].reason).toMatchObject({ name: 'StaleFencingTokenError' });
        expect(record?.members.find((m) => m.id === 'b')?.state).toBe('up');
      }
    } finally {
      client.destroy();
    }
  });

  /** Read units a strongly consistent read of the ring item costs: 1 means the item is at most 4 KB. */
  const readUnits = async (ringId: string): Promise<number | undefined> => {
    const { ConsumedCapacity } = await fixture().client.send(
      new GetItemCommand({
        TableName: fixture().tables.Ring,
        Key: { pk: { S: `ring#${ringId}` }, sk: { S: 'ring' } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return ConsumedCapacity?.CapacityUnits;
  };

  it('keeps a 150-member ring item under 4 KB (one strongly consistent read unit)', async () => {
    const ringId = 'large';
    const store = storeFor();
    // EC2 instance ids, some weights and states, and a fence: a realistic fleet of 150.
    const ids = Array.from(
      { length: 150 },
      (_, i) => `i-0${(0xabcdef0123 + i * 7919).toString(16).padStart(16, '0')}`,
    );
    await createRing(
      store,
      ringId,
      ids.map((id, i) => member(id, i % 10 === 0 ? 2 : 1, i % 25 === 0 ? 'down' : 'up')),
    );
    await drain({
      store,
      ringId,
      nodeId: ids[3] as string,
      fence: { resource: 'incident/some-resource-id', token: 12 },
      vnodes,
    });
    expect(await readUnits(ringId)).toBe(1);
    expect((await store.read(ringId))?.members).toHaveLength(150);
  });

  it('size check catches an item over 4 KB (negative control)', async () => {
    const ringId = 'too-large';
    const ids = Array.from({ length: 150 }, (_, i) => `member-with-a-much-longer-identifier-${i}`);
    await createRing(
      storeFor(),
      ringId,
      ids.map((id) => member(id)),
    );
    expect(await readUnits(ringId)).toBeGreaterThan(1);
  });
});

describe('faultline ring (CLI)', () => {
  const run = async (...args: string[]): Promise<string> => {
    let out = '';
    const command = ringCommand({
      write: (chunk) => {
        out += chunk;
      },
      client: ({ endpoint }) =>
        new DynamoDBClient({ ...localAwsConfig(), ...(endpoint ? { endpoint } : {}) }),
    });
    await command.parseAsync(
      [
        ...args,
        '--table',
        fixture().tables.Ring,
        '--endpoint',
        fixture().ddb.endpoint,
        ...(args.includes('--ring-id') ? [] : ['--ring-id', 'cli']),
      ],
      {
        from: 'user',
      },
    );
    return out;
  };

  it('adds, shows, drains, looks up and removes', async () => {
    expect(await run('add', 'node-a')).toMatch(
      /added node-a in ring 'cli': now version 1; 100\.00% of keys move/,
    );
    const added = JSON.parse(await run('add', 'node-b', '--weight', '2', '--json'));
    expect(added).toMatchObject({ ringId: 'cli', version: 2, changed: true });
    expect(added.plan.transfers).toEqual([expect.objectContaining({ from: 'node-a', to: 'node-b' })]);
    await run('add', 'node-c');

    const shown = JSON.parse(await run('show', '--json'));
    expect(shown.version).toBe(3);
    expect(shown.members.map((m: { id: string; weight: number }) => [m.id, m.weight])).toEqual([
      ['node-a', 1],
      ['node-b', 2],
      ['node-c', 1],
    ]);
    expect(shown.members[1].share).toBeCloseTo(0.5, 1);
    const text = await run('show');
    expect(text).toMatch(/ring 'cli' {2}version 3 {2}3 members \(3 up\)/);
    expect(text).toMatch(/node-b\s+up\s+2\s+\d+\.\d\d%/);

    const drained = JSON.parse(
      await run('drain', 'node-a', '--fence-resource', 'incident/x', '--fence-token', '5', '--json'),
    );
    expect(drained).toMatchObject({ version: 4, changed: true });
    expect(drained.plan.transfers.every((t: { from: string }) => t.from === 'node-a')).toBe(true);
    await expect(
      run('restore', 'node-a', '--fence-resource', 'incident/x', '--fence-token', '4'),
    ).rejects.toMatchObject({
      name: 'StaleFencingTokenError',
    });
    expect(await run('show')).toMatch(/node-a\s+draining/);

    const looked = JSON.parse(await run('lookup', 'tenant-42', '--replicas', '2', '--json'));
    expect(looked.preferenceList).toHaveLength(2);
    expect(['node-b', 'node-c']).toContain(looked.owner);
    expect(await run('lookup', 'tenant-42')).toMatch(new RegExp(`tenant-42 → ${looked.owner}`));

    expect(await run('remove', 'node-a')).toMatch(
      /removed node-a in ring 'cli': now version 5; 0\.00% of keys move/,
    );
    expect(await run('remove', 'node-a')).toMatch(/already so, version 5/);
  });

  it('reports a missing ring by its error name', async () => {
    await expect(run('show', '--ring-id', 'nope')).rejects.toMatchObject({ name: 'RingNotFoundError' });
  });
});
