/**
 * Coordination benchmark: what leases and ballots cost on DynamoDB Local, in one process.
 *
 *   npm run bench:coordination -- [--json] [--iterations 200] [--seconds 5]
 *
 * requests    — DynamoDB requests counted at the client per uncontended operation (mean over the iterations).
 * roundTrips  — sequential request rounds of an uncontended 3-acceptor Paxos decision (prepare, accept, record).
 * latencyRatio — the operation's median latency over the median of one plain conditional UpdateItem measured in
 *                the same run (so the figure travels between machines better than milliseconds do).
 * handoffsPerSec — acquire-then-release cycles per second with 8 clients contending for one resource: our lease
 *                (one conditional write per attempt) vs a naive lock (read, then conditional write).
 * Prints figures only; never fails on them. With --json the last line is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDbAcceptorStore, DynamoDbDecisionRegister } from '../lib/adapters/dynamodb-ballot-store.js';
import { createCoordinationTable } from '../lib/adapters/dynamodb-coordination-tables.js';
import { NaiveDynamoDbLock, plainConditionalUpdate } from '../lib/adapters/dynamodb-coordination-testing.js';
import { DynamoDbLeaseStore } from '../lib/adapters/dynamodb-lease-store.js';
import { PaxosBallots, WriteOnceBallots } from '../lib/ballots/index.js';
import { type Lease, Leases } from '../lib/leases/index.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { createTables, localTableNames } from '../lib/tables/index.js';
import { CountingClient } from '../lib/testing/counting-client.js';
import { seededRandom, sleep } from '../lib/testing/rng.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    iterations: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
  },
});
const iterations = Number(args.iterations);
const seconds = Number(args.seconds);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function timed<T>(latencies: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await run();
  latencies.push(performance.now() - start);
  return out;
}

const ddb = await startDynamoDbLocal();
const raw = ddb.client();
const tables = localTableNames();
await createTables(raw, tables);
const acceptorTables = ['bench-acceptor-1', 'bench-acceptor-2', 'bench-acceptor-3'];
for (const name of acceptorTables) await createCoordinationTable(raw, name);
const table = tables.Coordination;

try {
  const counting = new CountingClient(raw);
  const leases = new Leases(new DynamoDbLeaseStore({ client: counting, tableName: table }));
  const register = new WriteOnceBallots(new DynamoDbDecisionRegister({ client: counting, tableName: table }));
  // One client per acceptor, as one per region would be.
  const acceptorClients = acceptorTables.map(() => new CountingClient(ddb.client()));
  const paxos = new PaxosBallots(
    acceptorTables.map(
      (tableName, i) =>
        new DynamoDbAcceptorStore({ id: `a${i}`, tableName, client: acceptorClients[i] as CountingClient }),
    ),
  );

  const lat = {
    plain: [] as number[],
    acquire: [] as number[],
    renew: [] as number[],
    release: [] as number[],
    fencedWrite: [] as number[],
    decide1: [] as number[],
    decide3: [] as number[],
  };
  const req = { acquire: 0, renew: 0, release: 0, fencedWrite: 0, decide1: 0 };
  let decide3RoundTrips = 0;
  const count = async <T>(key: keyof typeof req, run: () => Promise<T>): Promise<T> => {
    counting.reset();
    const out = await timed(lat[key], run);
    req[key] += counting.total();
    return out;
  };

  // Warm the JVM and the HTTP connections; these runs are not measured.
  for (let i = 0; i < 100; i++) {
    await plainConditionalUpdate(raw, table, `warm-${i}`);
    const r = await leases.acquire(`warm-${i}`, 'bench', 60_000);
    if (r.kind === 'acquired') await leases.release(r.lease);
    await paxos.decide(`warm-${i}`, { proposerId: 'bench', plan: { i } });
  }

  for (const c of acceptorClients) c.reset();
  const run = randomUUID().slice(0, 8);
  for (let i = 0; i < iterations; i++) {
    await timed(lat.plain, () => plainConditionalUpdate(raw, table, `${run}-${i}`));
    const acquired = await count('acquire', () => leases.acquire(`bench-${run}-${i}`, 'bench', 60_000));
    if (acquired.kind !== 'acquired') throw new Error('uncontended acquire was held');
    const renewed: Lease = await count('renew', () => leases.renew(acquired.lease));
    await count('fencedWrite', () =>
      leases.fencedWrite(renewed, {
        key: { pk: `guarded#bench-${run}-${i}`, sk: 'state' },
        set: { step: i },
      }),
    );
    await count('release', () => leases.release(renewed));
    await count('decide1', () => register.decide(`bench-${run}-${i}`, { proposerId: 'bench', plan: { i } }));
    const decision = await timed(lat.decide3, () =>
      paxos.decide(`bench-${run}-${i}`, { proposerId: 'bench', plan: { i } }),
    );
    decide3RoundTrips += decision.roundTrips;
  }
  const decide3Requests = acceptorClients.reduce((n, c) => n + c.total(), 0);

  // Handoffs: 8 clients, one resource, the same polling policy for both locks.
  const handoffs = async (
    attempt: (client: number) => Promise<boolean>,
    release: (client: number) => Promise<void>,
  ) => {
    let done = 0;
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        const random = seededRandom(client + 1);
        while (performance.now() < deadline) {
          if (await attempt(client)) {
            done++;
            await release(client);
          } else {
            await sleep(random() * 5);
          }
        }
      }),
    );
    return done / seconds;
  };
  const held = new Map<number, Lease>();
  const naive = new NaiveDynamoDbLock(raw, table);
  const leaseRounds: number[] = [];
  const naiveRounds: number[] = [];
  // Two interleaved rounds each, so neither lock always runs on the warmer JVM.
  for (let r = 0; r < 2; r++) {
    const resource = `handoff-${run}-${r}`;
    const measureLease = () =>
      handoffs(
        async (client) => {
          const out = await leases.acquire(resource, `c${client}`, 10_000);
          if (out.kind !== 'acquired') return false;
          held.set(client, out.lease);
          return true;
        },
        async (client) => {
          const lease = held.get(client);
          if (lease) await leases.release(lease);
        },
      );
    const measureNaive = () =>
      handoffs(
        (client) => naive.acquire(resource, `c${client}`, 10_000),
        (client) => naive.release(resource, `c${client}`),
      );
    if (r === 0) {
      leaseRounds.push(await measureLease());
      naiveRounds.push(await measureNaive());
    } else {
      naiveRounds.push(await measureNaive());
      leaseRounds.push(await measureLease());
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const leaseHandoffs = mean(leaseRounds);
  const naiveHandoffs = mean(naiveRounds);

  const plain = median(lat.plain);
  const result = {
    requests: {
      acquire: round(req.acquire / iterations),
      renew: round(req.renew / iterations),
      release: round(req.release / iterations),
      fencedWrite: round(req.fencedWrite / iterations),
      decide1: round(req.decide1 / iterations),
    },
    roundTrips: { decide3: round(decide3RoundTrips / iterations) },
    latencyRatio: {
      acquire: round(median(lat.acquire) / plain),
      decide1: round(median(lat.decide1) / plain),
      decide3: round(median(lat.decide3) / plain),
    },
    handoffsPerSec: { lease: round(leaseHandoffs, 1), naive: round(naiveHandoffs, 1) },
  };

  const rows: [string, string, string, string][] = [
    ['operation', 'requests', 'median ms', 'ratio to plain'],
    ['plain conditional UpdateItem', '1', plain.toFixed(2), '1.00'],
    [
      'lease acquire',
      String(result.requests.acquire),
      median(lat.acquire).toFixed(2),
      result.latencyRatio.acquire.toFixed(2),
    ],
    [
      'lease renew',
      String(result.requests.renew),
      median(lat.renew).toFixed(2),
      (median(lat.renew) / plain).toFixed(2),
    ],
    [
      'fenced write (TransactWriteItems)',
      String(result.requests.fencedWrite),
      median(lat.fencedWrite).toFixed(2),
      (median(lat.fencedWrite) / plain).toFixed(2),
    ],
    [
      'lease release',
      String(result.requests.release),
      median(lat.release).toFixed(2),
      (median(lat.release) / plain).toFixed(2),
    ],
    [
      'decide, 1 acceptor (register)',
      String(result.requests.decide1),
      median(lat.decide1).toFixed(2),
      result.latencyRatio.decide1.toFixed(2),
    ],
    [
      `decide, 3 acceptors (${result.roundTrips.decide3} round trips)`,
      String(round(decide3Requests / iterations)),
      median(lat.decide3).toFixed(2),
      result.latencyRatio.decide3.toFixed(2),
    ],
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? [];
  console.log(`DynamoDB Local, ${iterations} uncontended iterations each`);
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    );
  console.log(
    `handoffs/s, 8 clients on one resource, 2 rounds of ${seconds} s each: lease ${result.handoffsPerSec.lease}, naive read-then-write lock ${result.handoffsPerSec.naive}`,
  );
  if (args.json) console.log(JSON.stringify(result));
} finally {
  raw.destroy();
  await ddb.stop();
}
