import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  guardedLogKey,
  readItem,
  unfencedAppend,
} from '../../../lib/adapters/dynamodb-coordination-testing.js';
import { DynamoDbLeaseStore } from '../../../lib/adapters/dynamodb-lease-store.js';
import {
  type AcquireResult,
  type Lease,
  Leases,
  type LeasesOptions,
  type Observation,
  Semaphore,
} from '../../../lib/leases/index.js';
import {
  type ClockSkew,
  checkCapacity,
  checkExclusion,
  checkLeaseRun,
  checkTakeoverBound,
  deriveSeed,
  FaultInjectingClient,
  type FaultRates,
  type GuardedWrite,
  HistoryRecorder,
  type LogEntry,
  runLeaseWorkload,
  seededRandom,
  skewedClock,
  sleep,
} from '../../../lib/testing/index.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';
import { describeLeaseStoreContract } from '../../unit/leases/lease-store-contract.js';

const fixture = useDynamoDbLocal();
const table = () => fixture().tables.Coordination;
const SEED = Number(process.env.FAULTLINE_SEED ?? 20261126);
const SOAK = Boolean(process.env.FAULTLINE_SOAK);

describeLeaseStoreContract(
  'DynamoDB Local',
  () => new DynamoDbLeaseStore({ client: fixture().client, tableName: table() }),
  (key) => readItem(fixture().client, table(), key),
);

const acquired = (r: AcquireResult): Lease => {
  if (r.kind !== 'acquired') throw new Error(`expected acquired, held by ${r.holder}`);
  return r.lease;
};

function leasesOn(faulty: FaultInjectingClient, options: LeasesOptions = {}): Leases {
  return new Leases(new DynamoDbLeaseStore({ client: faulty, tableName: table() }), options);
}

describe('lease regressions against DynamoDB Local', () => {
  it('resolves a renew that was applied but whose reply was lost', async () => {
    const faulty = new FaultInjectingClient(fixture().client, { seed: 1 });
    const leases = leasesOn(faulty);
    const lease = acquired(await leases.acquire(`r-${randomUUID()}`, 'a', 5000));
    faulty.script('appliedTimeout');
    expect((await leases.renew(lease)).beat).toBe(1);
    faulty.script('lostRequest');
    expect((await leases.renew({ ...lease, beat: 1 })).beat).toBe(2);
  });

  it('settles a release racing a renew, and a stale release after a re-acquire changes nothing', async () => {
    const faulty = new FaultInjectingClient(fixture().client, { seed: 2 });
    const leases = leasesOn(faulty);
    const resource = `r-${randomUUID()}`;
    const lease = acquired(await leases.acquire(resource, 'a', 5000));
    const [renewed, released] = await Promise.allSettled([leases.renew(lease), leases.release(lease)]);
    expect(released).toEqual({ status: 'fulfilled', value: { kind: 'released' } });
    if (renewed.status === 'rejected') expect(renewed.reason).toMatchObject({ name: 'LeaseLostError' });
    const next = acquired(await leases.acquire(resource, 'b', 5000));
    expect(next.token).toBe(2);
    expect(await leases.release(lease)).toEqual({ kind: 'lost' });
    await expect(leases.renew(lease)).rejects.toMatchObject({ name: 'LeaseLostError' });
    expect(await leases.store.read({ resource })).toMatchObject({
      token: 2,
      released: false,
      nonce: next.nonce,
    });
  });

  it('takes over a crashed holder after a full lease of watching', async () => {
    const faulty = new FaultInjectingClient(fixture().client, { seed: 3 });
    const resource = `r-${randomUUID()}`;
    const leaseMs = 300;
    const crashed = acquired(await leasesOn(faulty).acquire(resource, 'crashed', leaseMs));
    const crashedAt = performance.now();
    const contender = leasesOn(faulty, { clock: skewedClock('contender', { offsetMs: -50_000 }) });
    let result = await contender.acquire(resource, 'b', leaseMs);
    while (result.kind === 'held') {
      await sleep(Math.min(result.retryAfterMs + 1, 20));
      result = await contender.acquire(resource, 'b', leaseMs, { observation: result.observation });
    }
    const waited = performance.now() - crashedAt;
    expect(result.lease.token).toBe(crashed.token + 1);
    expect(waited).toBeGreaterThanOrEqual(leaseMs);
  });

  it('recognises each request delivered twice (an SDK retry after a lost reply)', async () => {
    const faulty = new FaultInjectingClient(fixture().client, { seed: 4 });
    const leases = leasesOn(faulty);
    const resource = `r-${randomUUID()}`;
    faulty.script('duplicated');
    const lease = acquired(await leases.acquire(resource, 'a', 5000));
    expect(lease.token).toBe(1);
    faulty.script('duplicated');
    const renewed = await leases.renew(lease);
    const key = { pk: `guarded#${resource}`, sk: 'state' };
    faulty.script('duplicated');
    await leases.fencedWrite(renewed, { key, append: { log: ['once'] } });
    expect(await readItem(fixture().client, table(), key)).toMatchObject({ log: ['once'], fenceToken: 1 });
    faulty.script('duplicated');
    expect(await leases.release(renewed)).toEqual({ kind: 'released' });
  });
});

const FAULTS: FaultRates = {
  appliedTimeout: 0.01,
  lostRequest: 0.01,
  throttled: 0.01,
  delayed: 0.05,
  duplicated: 0.01,
  lateApply: 0.005,
};

interface RunOptions {
  readonly name: string;
  readonly acquisitions: number;
  readonly leaseMs: number;
  readonly resources: number;
  readonly write: 'fenced' | 'unfenced';
  readonly leases: LeasesOptions;
  readonly skew: (client: number, generation: number) => ClockSkew;
  readonly pauseRate: number;
  readonly crashRate: number;
  readonly workMs: number;
  readonly stepsPerSession: number;
}

async function run(options: RunOptions) {
  const history = new HistoryRecorder();
  const resources = Array.from(
    { length: options.resources },
    (_, i) => `${options.name}-${randomUUID()}-${i}`,
  );
  const faulties: FaultInjectingClient[] = [];
  const fenced: GuardedWrite = (leases, lease, entry) =>
    leases.store.fencedWrite(
      lease,
      { key: guardedLogKey(lease.resource), append: { log: [entry] } },
      randomUUID(),
    );
  const unfenced: GuardedWrite = (_leases, lease, entry) =>
    unfencedAppend(fixture().client, table(), guardedLogKey(lease.resource), 'log', entry);
  const pollMs = 25;
  const maxDelayMs = 15;
  await runLeaseWorkload({
    seed: deriveSeed(SEED, options.name),
    clients: 8,
    resources,
    acquisitions: options.acquisitions,
    leaseMs: options.leaseMs,
    pollMs,
    stepsPerSession: options.stepsPerSession,
    workMs: options.workMs,
    renewRate: 0.1,
    pauseRate: options.pauseRate,
    pauseMs: options.leaseMs * 2,
    crashRate: options.crashRate,
    clockFor: (client, generation) =>
      skewedClock(`${options.name}-c${client}-g${generation}`, options.skew(client, generation)),
    leasesFor: (client, generation, clock) => {
      const faulty = new FaultInjectingClient(fixture().client, {
        seed: deriveSeed(SEED, `${options.name}-${client}-${generation}`),
        rates: FAULTS,
        maxDelayMs,
      });
      faulties.push(faulty);
      return new Leases(new DynamoDbLeaseStore({ client: faulty, tableName: table() }), {
        clock,
        ...options.leases,
      });
    },
    write: options.write === 'fenced' ? fenced : unfenced,
    history,
  });
  await Promise.all(faulties.map((f) => f.drain()));
  const logs = new Map<string, LogEntry[]>();
  for (const resource of resources) {
    const item = await readItem(fixture().client, table(), guardedLogKey(resource));
    logs.set(resource, (item?.log as LogEntry[] | undefined) ?? []);
  }
  const injected = new Map<string, number>();
  for (const f of faulties) for (const [k, v] of f.injected) injected.set(k, (injected.get(k) ?? 0) + v);
  // The stated bound: a full lease on a clock up to 1% slow (+2%), a poll interval to notice the crash and one to
  // act, injected delays, and four request round trips (observe, take over, each possibly retried once after a
  // fault), taken at the run's own p99 latency because DynamoDB Local on a shared 2-core box is far from 5 ms.
  const latencies = faulties.flatMap((f) => f.latenciesMs).sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
  const takeoverBoundMs = Math.ceil(options.leaseMs * 1.02 + 2 * pollMs + 4 * maxDelayMs + 4 * p99);
  return {
    history,
    logs,
    injected,
    takeoverBoundMs,
    check: checkLeaseRun(history.events, logs),
    takeover: checkTakeoverBound(history.events, takeoverBoundMs),
  };
}

const rateSkew = (seed: string) => {
  const random = seededRandom(deriveSeed(SEED, seed));
  // Rates differ by up to ±0.5% (inside the default 2% drift margin); offsets are arbitrary: no clock is trusted.
  return (): ClockSkew => ({ rate: (random() - 0.5) / 100, offsetMs: (random() - 0.5) * 20_000 });
};

describe('leases under injected faults (8 clients, seeded)', () => {
  it(`keeps fenced resources and holders exclusive over ${SOAK ? 20_000 : 2_000} acquisitions`, async () => {
    const skew = rateSkew('main');
    const r = await run({
      name: 'main',
      acquisitions: SOAK ? 20_000 : 2_000,
      leaseMs: 150,
      resources: 8,
      write: 'fenced',
      leases: {},
      skew,
      pauseRate: 0.02,
      crashRate: 0.01,
      workMs: 3,
      stepsPerSession: 2,
    });
    const writes = r.history.events.filter((e) => e.type === 'write');
    console.info(
      `leases: ${r.history.count('acquired')} acquisitions, ${r.history.count('crashed')} crashes,`,
      `${writes.filter((w) => w.type === 'write' && w.outcome === 'refused').length} fenced writes refused,`,
      `faults ${JSON.stringify(Object.fromEntries(r.injected))},`,
      `takeover after crash max ${Math.max(0, ...r.takeover.delaysMs).toFixed(0)} ms (bound ${r.takeoverBoundMs} ms)`,
    );
    expect(r.history.count('acquired')).toBeGreaterThanOrEqual(2_000);
    expect(r.check.violations).toEqual([]);
    expect(r.takeover.violations).toEqual([]);
    // The run exercised what it claims to: takeovers after crashes, and refused writes of frozen holders.
    expect(r.takeover.delaysMs.length).toBeGreaterThan(0);
    expect(writes.some((w) => w.type === 'write' && w.outcome === 'refused')).toBe(true);
    expect([...r.logs.values()].flat().length).toBeGreaterThan(1_000);
  });

  it('stays exclusive in wall-clock mode when clocks are within the declared skew', async () => {
    const r = await run({
      name: 'wall-ok',
      acquisitions: 150,
      leaseMs: 150,
      resources: 4,
      write: 'fenced',
      leases: { takeover: 'wall-clock', maxClockSkewMs: 100 },
      skew: (client) => ({ offsetMs: client % 2 ? 45 : -45 }),
      pauseRate: 0.02,
      crashRate: 0.03,
      workMs: 20,
      stepsPerSession: 2,
    });
    expect(r.check.violations).toEqual([]);
  });

  it('catches a broken variant without fencing (negative control)', async () => {
    const r = await run({
      name: 'unfenced',
      acquisitions: 150,
      leaseMs: 150,
      resources: 2,
      write: 'unfenced',
      leases: {},
      skew: rateSkew('unfenced'),
      pauseRate: 0.15,
      crashRate: 0,
      workMs: 3,
      stepsPerSession: 2,
    });
    expect(r.check.violations.some((v) => /accepted token|wrote again/.test(v))).toBe(true);
  });

  it('catches a broken variant that trusts the local clock (negative control)', async () => {
    const r = await run({
      name: 'trust-clock',
      acquisitions: 120,
      leaseMs: 150,
      resources: 4,
      write: 'fenced',
      // Wall-clock takeover with no skew allowance, on machines whose clocks are off by ±120 ms.
      leases: { takeover: 'wall-clock', maxClockSkewMs: 0 },
      skew: (client) => ({ offsetMs: client % 2 ? 120 : -120 }),
      pauseRate: 0,
      crashRate: 0,
      workMs: 40,
      stepsPerSession: 3,
    });
    expect(r.check.violations.some((v) => /still held it/.test(v))).toBe(true);
  });
});

describe('semaphore under injected faults', () => {
  it('never admits more than K holders of a pool, and each slot stays exclusive', async () => {
    const history = new HistoryRecorder();
    const pool = `fleet-${randomUUID()}`;
    const capacity = 2;
    const leaseMs = 150;
    let acquisitions = 0;
    const faulties: FaultInjectingClient[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, client) => {
        const random = seededRandom(deriveSeed(SEED, `sem-${client}`));
        const faulty = new FaultInjectingClient(fixture().client, {
          seed: deriveSeed(SEED, `sem-faults-${client}`),
          rates: FAULTS,
          maxDelayMs: 15,
        });
        faulties.push(faulty);
        const semaphore = new Semaphore(
          leasesOn(faulty, { clock: skewedClock(`sem-${client}`, { rate: (random() - 0.5) / 100 }) }),
        );
        let observations: readonly Observation[] = [];
        while (acquisitions < 150) {
          const r = await semaphore
            .acquire(pool, `c${client}`, capacity, leaseMs, { start: random(), observations })
            .catch(() => undefined);
          if (!r || r.kind === 'held') {
            observations = r?.observations ?? [];
            await sleep(Math.min((r?.retryAfterMs ?? 0) + 1, random() * 25));
            continue;
          }
          observations = [];
          acquisitions++;
          const resource = `${pool}/${r.lease.slot}`;
          const token = r.lease.token;
          history.record({ type: 'acquired', at: history.now(), client: `c${client}`, resource, token });
          await sleep(random() * 10);
          try {
            semaphore.assertValid(r.lease);
            history.record({ type: 'valid', at: history.now(), client: `c${client}`, resource, token });
          } catch {
            // expired while working: the span ends at its acquisition
          }
          // Some holders crash and never release: their slot must be taken over, not leaked.
          if (random() < 0.05) continue;
          await semaphore.release(r.lease).catch(() => undefined);
        }
      }),
    );
    await Promise.all(faulties.map((f) => f.drain()));
    expect(acquisitions).toBeGreaterThanOrEqual(150);
    expect(checkCapacity(history.events, capacity).violations).toEqual([]);
    expect(checkExclusion(history.events).violations).toEqual([]);
    // The negative control for the same checker: the run really did use both slots at once.
    expect(checkCapacity(history.events, capacity - 1).violations.length).toBeGreaterThan(0);
  });
});
