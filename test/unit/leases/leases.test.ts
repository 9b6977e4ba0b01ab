import { describe, expect, it } from 'vitest';
import {
  type AcquireResult,
  InMemoryLeaseStore,
  type Lease,
  LeaseLostError,
  type LeaseStore,
  Leases,
  type LeasesOptions,
  LeaseUnknownError,
  Semaphore,
  StaleFencingTokenError,
  ThrottledError,
} from '../../../lib/leases/index.js';
import { ManualClock } from '../../../lib/testing/manual-clock.js';

const acquired = (r: AcquireResult): Lease => {
  if (r.kind !== 'acquired') throw new Error(`expected acquired, got held by ${r.holder}`);
  return r.lease;
};
const held = (r: AcquireResult) => {
  if (r.kind !== 'held') throw new Error('expected held');
  return r;
};

let nonces = 0;
function setup(options: LeasesOptions = {}, store: LeaseStore = new InMemoryLeaseStore()) {
  const clocks = { a: new ManualClock('machine-a'), b: new ManualClock('machine-b') };
  const make = (clock: ManualClock) =>
    new Leases(store, { clock, newNonce: () => `nonce-${++nonces}`, driftMarginMs: () => 10, ...options });
  return { store, clocks, a: make(clocks.a), b: make(clocks.b) };
}

/** A store whose next operation of a given kind applies, then "times out" (or fails before applying). */
class FlakyStore extends InMemoryLeaseStore {
  readonly faults: { op: 'acquire' | 'renew' | 'release' | 'read'; applied: boolean }[] = [];
  private flake<T>(op: 'acquire' | 'renew' | 'release' | 'read', run: () => Promise<T>): Promise<T> {
    const i = this.faults.findIndex((f) => f.op === op);
    if (i < 0) return run();
    const [fault] = this.faults.splice(i, 1);
    return (fault?.applied ? run() : Promise.resolve()).then(() => {
      throw new LeaseUnknownError(`injected ${op} timeout`, 'r');
    });
  }
  override acquire(...args: Parameters<InMemoryLeaseStore['acquire']>) {
    return this.flake('acquire', () => super.acquire(...args));
  }
  override renew(...args: Parameters<InMemoryLeaseStore['renew']>) {
    return this.flake('renew', () => super.renew(...args));
  }
  override release(...args: Parameters<InMemoryLeaseStore['release']>) {
    return this.flake('release', () => super.release(...args));
  }
  override read(...args: Parameters<InMemoryLeaseStore['read']>) {
    return this.flake('read', () => super.read(...args));
  }
}

describe('Leases', () => {
  it('acquires a free lease with token 1 and reports contention as a value', async () => {
    const { a, b } = setup();
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    expect(lease).toMatchObject({ resource: 'r', owner: 'alice', token: 1, beat: 0, leaseMs: 1000 });
    const contention = held(await b.acquire('r', 'bob', 1000));
    expect(contention).toMatchObject({ holder: 'alice', retryAfterMs: 1000, retryAfterSeconds: 1 });
    expect(JSON.parse(JSON.stringify(lease))).toEqual(lease);
  });

  it('increases the token on every acquisition and never resets it', async () => {
    const { a, b } = setup();
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lease = acquired(await (i % 2 ? a : b).acquire('r', `o${i}`, 1000));
      tokens.push(lease.token);
      await (i % 2 ? a : b).release(lease);
    }
    expect(tokens).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes over only after the same incarnation was seen unchanged for a full lease on its own clock', async () => {
    const { a, b, clocks } = setup();
    acquired(await a.acquire('r', 'alice', 1000));
    let seen = held(await b.acquire('r', 'bob', 1000));
    // The contender's wall clock jumping forward must not matter: only its monotonic clock counts.
    clocks.b.setWall(clocks.b.wallMs() + 1_000_000);
    clocks.b.advance(999);
    seen = held(await b.acquire('r', 'bob', 1000, { observation: seen.observation }));
    expect(seen.retryAfterMs).toBe(1);
    clocks.b.advance(1);
    const lease = acquired(await b.acquire('r', 'bob', 1000, { observation: seen.observation }));
    expect(lease.token).toBe(2);
  });

  it('restarts the watch when the holder renews', async () => {
    const { a, b, clocks } = setup();
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    const first = held(await b.acquire('r', 'bob', 1000));
    clocks.b.advance(600);
    await a.renew(lease);
    const second = held(await b.acquire('r', 'bob', 1000, { observation: first.observation }));
    expect(second.observation.beat).toBe(1);
    clocks.b.advance(600);
    held(await b.acquire('r', 'bob', 1000, { observation: second.observation }));
    clocks.b.advance(400);
    expect(acquired(await b.acquire('r', 'bob', 1000, { observation: second.observation })).token).toBe(2);
  });

  it('carries an observation across invocations by wall clock plus the declared skew', async () => {
    const { a, clocks } = setup({ maxClockSkewMs: 200 });
    acquired(await a.acquire('r', 'alice', 1000));
    const seen = held(await setup({}, a.store).b.acquire('r', 'bob', 1000));
    const later = new ManualClock('another-invocation', seen.observation.firstSeenWallMs + 1100);
    const invocation = new Leases(a.store, { clock: later, maxClockSkewMs: 200 });
    const wait = held(
      await invocation.acquire('r', 'bob', 1000, {
        observation: JSON.parse(JSON.stringify(seen.observation)),
      }),
    );
    expect(wait.retryAfterMs).toBe(100);
    later.advance(100);
    expect(
      acquired(await invocation.acquire('r', 'bob', 1000, { observation: wait.observation })).token,
    ).toBe(2);
    expect(clocks.a.monotonicMs()).toBe(0);
  });

  it('keeps holder validity conservative: request start + lease − drift, minus skew in another process', async () => {
    const { a, clocks } = setup({ maxClockSkewMs: 100 });
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    expect(a.assertValid(lease)).toBe(990);
    clocks.a.advance(989);
    expect(a.assertValid(lease)).toBe(1);
    const elsewhere = new Leases(a.store, {
      clock: new ManualClock('x', clocks.a.wallMs()),
      maxClockSkewMs: 100,
    });
    expect(() => elsewhere.assertValid(lease)).toThrow(LeaseLostError);
    clocks.a.advance(1);
    expect(() => a.assertValid(lease)).toThrow(
      expect.objectContaining({ name: 'LeaseLostError', reason: 'expired' }),
    );
  });

  it('stops a holder whose monotonic clock stood still while its VM was paused', async () => {
    const { a, clocks } = setup();
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    clocks.a.setWall(clocks.a.wallMs() + 5_000); // thawed: wall clock resynchronised, monotonic clock unchanged
    expect(() => a.assertValid(lease)).toThrow(LeaseLostError);
  });

  it('ignores a late release from an old holder after a re-acquire (ABA)', async () => {
    const { a, b, clocks } = setup();
    const old = acquired(await a.acquire('r', 'worker', 1000));
    const seen = held(await b.acquire('r', 'worker', 1000));
    clocks.b.advance(1000);
    const fresh = acquired(await b.acquire('r', 'worker', 1000, { observation: seen.observation }));
    expect(await a.release(old)).toEqual({ kind: 'lost' });
    await expect(a.renew(old)).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'superseded' });
    expect(await a.store.read({ resource: 'r' })).toMatchObject({ token: fresh.token, released: false });
  });

  it('lets a release racing a renew win cleanly either way', async () => {
    const { a } = setup();
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    const [renewed, released] = await Promise.allSettled([a.renew(lease), a.release(lease)]);
    expect(renewed.status).toBe('fulfilled');
    expect(released).toEqual({ status: 'fulfilled', value: { kind: 'released' } });
    await expect(a.renew(lease)).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'released' });
    expect(acquired(await a.acquire('r', 'next', 1000)).token).toBe(2);
  });

  it('resolves a renew whose reply was lost with a consistent read', async () => {
    const store = new FlakyStore();
    const { a } = setup({}, store);
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    store.faults.push({ op: 'renew', applied: true });
    expect((await a.renew(lease)).beat).toBe(1);
    store.faults.push({ op: 'renew', applied: false });
    expect((await a.renew({ ...lease, beat: 1 })).beat).toBe(2);
  });

  it('resolves an acquire whose reply was lost by the nonce, and never assumes success', async () => {
    const store = new FlakyStore();
    const { a, b } = setup({}, store);
    store.faults.push({ op: 'acquire', applied: true });
    expect(acquired(await a.acquire('r', 'alice', 1000)).token).toBe(1);
    store.faults.push({ op: 'acquire', applied: false });
    expect(held(await b.acquire('r', 'bob', 1000)).holder).toBe('alice');
    store.faults.push({ op: 'acquire', applied: true }, { op: 'read', applied: false });
    const unknown = await b.acquire('s', 'bob', 1000).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(LeaseUnknownError);
    // Retrying with the reported nonce adopts the write that did land, after renewing it for a fresh validity.
    const adopted = acquired(
      await b.acquire('s', 'bob', 1000, { nonce: (unknown as LeaseUnknownError).nonce ?? '' }),
    );
    expect(adopted).toMatchObject({ token: 1, beat: 1 });
  });

  it('recognises the same request delivered twice as its own acquisition', async () => {
    const { a } = setup();
    const first = acquired(await a.acquire('r', 'alice', 1000, { nonce: 'exec-1/lease' }));
    const again = acquired(await a.acquire('r', 'alice', 1000, { nonce: 'exec-1/lease' }));
    expect(again).toMatchObject({ token: first.token, nonce: 'exec-1/lease', beat: 1 });
  });

  it('resolves a release whose reply was lost', async () => {
    const store = new FlakyStore();
    const { a } = setup({}, store);
    const lease = acquired(await a.acquire('r', 'alice', 1000));
    store.faults.push({ op: 'release', applied: true });
    expect(await a.release(lease)).toEqual({ kind: 'released' });
  });

  it('takes over in wall-clock mode only after the holder expiry plus the declared skew', async () => {
    const { a, b, clocks } = setup({ takeover: 'wall-clock', maxClockSkewMs: 300 });
    acquired(await a.acquire('r', 'alice', 1000));
    clocks.b.advance(1299);
    expect(held(await b.acquire('r', 'bob', 1000)).retryAfterMs).toBe(1);
    clocks.b.advance(1);
    expect(acquired(await b.acquire('r', 'bob', 1000)).token).toBe(2);
  });

  it('refuses fenced writes of a holder that lost its lease', async () => {
    const { a, b, clocks } = setup();
    const old = acquired(await a.acquire('r', 'alice', 1000));
    const seen = held(await b.acquire('r', 'bob', 1000));
    clocks.b.advance(1000);
    const fresh = acquired(await b.acquire('r', 'bob', 1000, { observation: seen.observation }));
    await b.fencedWrite(fresh, { key: { pk: 'g', sk: 'x' }, set: { v: 'new' } });
    // The old holder still thinks it is valid (its clock has not moved): only the fence stops it.
    await expect(a.fencedWrite(old, { key: { pk: 'g', sk: 'x' }, set: { v: 'old' } })).rejects.toMatchObject({
      name: 'LeaseLostError',
    });
    expect((a.store as InMemoryLeaseStore).guarded.get('|g|x')).toMatchObject({ v: 'new', fenceToken: 2 });
  });

  it('exposes the error names Step Functions match on', () => {
    expect(new LeaseLostError('m', 'r', 'expired').name).toBe('LeaseLostError');
    expect(new LeaseUnknownError('m', 'r').name).toBe('LeaseUnknownError');
    expect(new ThrottledError('m').name).toBe('ThrottledError');
    expect(new StaleFencingTokenError('m', 1, 2).name).toBe('StaleFencingTokenError');
  });
});

describe('Semaphore', () => {
  it('admits at most K holders and hands a slot over by the same takeover rule', async () => {
    const { a, b, clocks } = setup();
    const semA = new Semaphore(a);
    const semB = new Semaphore(b);
    const first = await semA.acquire('fleet', 'r1', 2, 1000);
    const second = await semA.acquire('fleet', 'r2', 2, 1000, { start: 0.9 });
    expect([first.kind, second.kind]).toEqual(['acquired', 'acquired']);
    const third = await semB.acquire('fleet', 'r3', 2, 1000);
    if (third.kind !== 'held') throw new Error('expected held');
    expect([...third.holders].sort()).toEqual(['r1', 'r2']);
    clocks.b.advance(1000);
    const fourth = await semB.acquire('fleet', 'r3', 2, 1000, { observations: third.observations });
    expect(fourth).toMatchObject({ kind: 'acquired', lease: { token: 2 } });
    if (first.kind === 'acquired') expect(await semA.release(first.lease)).toEqual({ kind: 'lost' });
  });
});
