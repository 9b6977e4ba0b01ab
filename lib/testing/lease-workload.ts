import type { Clock } from '../leases/clock.js';
import type { Lease, Observation } from '../leases/lease.js';
import type { Leases } from '../leases/leases.js';
import type { HistoryRecorder, LogEntry } from './history.js';
import { deriveSeed, seededRandom, sleep } from './rng.js';

/** Appends one entry to the guarded resource's log: fenced in the real protocol, unguarded in a negative control. */
export type GuardedWrite = (leases: Leases, lease: Lease, entry: LogEntry) => Promise<void>;

export interface LeaseWorkloadOptions {
  readonly seed: number;
  readonly clients: number;
  readonly resources: readonly string[];
  /** Stop once this many acquisitions (all clients together) have happened. */
  readonly acquisitions: number;
  readonly leaseMs: number;
  /** Longest sleep between attempts on a held lease. */
  readonly pollMs: number;
  /** Guarded writes per holding. */
  readonly stepsPerSession: number;
  /** Longest simulated work before each step. */
  readonly workMs: number;
  /** Per step: renew before it. */
  readonly renewRate: number;
  /** Per step: freeze between `assertValid` and the write (as a paused Lambda does) for `pauseMs`. */
  readonly pauseRate: number;
  readonly pauseMs: number;
  /** Per holding: stop without releasing; the client restarts as a new process (new clock, nothing remembered). */
  readonly crashRate: number;
  /** A `Leases` for client `client` in its `generation`-th process, on `clock`. */
  readonly leasesFor: (client: number, generation: number, clock: Clock) => Leases;
  /** The clock of client `client` in its `generation`-th process (skewed as the run wants). */
  readonly clockFor: (client: number, generation: number) => Clock;
  readonly write: GuardedWrite;
  readonly history: HistoryRecorder;
}

/**
 * Runs `clients` concurrent lease users over `resources` until `acquisitions` acquisitions happened, recording
 * everything for the checkers. Each holding: optional renew, work, `assertValid`, maybe freeze, guarded write,
 * repeated `stepsPerSession` times; then release or crash.
 *
 * @example
 * await runLeaseWorkload({ seed: 1, clients: 8, resources: ['r0'], acquisitions: 100, ... });
 * checkLeaseRun(history.events, logs).violations; // []
 */
export async function runLeaseWorkload(options: LeaseWorkloadOptions): Promise<void> {
  const { history } = options;
  let acquired = 0;
  const client = async (index: number) => {
    const random = seededRandom(deriveSeed(options.seed, `client-${index}`));
    const name = `c${index}`;
    let generation = 0;
    let leases = options.leasesFor(index, generation, options.clockFor(index, generation));
    const observations = new Map<string, Observation>();
    const watchStarted = new Map<string, number>();
    let target: string | undefined;
    const pick = () => options.resources[Math.floor(random() * options.resources.length)] ?? 'r0';
    while (acquired < options.acquisitions) {
      const resource = target ?? pick();
      const observation = observations.get(resource);
      let result: Awaited<ReturnType<Leases['acquire']>>;
      try {
        result = await leases.acquire(resource, name, options.leaseMs, observation ? { observation } : {});
      } catch (error) {
        history.record({
          type: 'error',
          at: history.now(),
          client: name,
          resource,
          name: (error as Error).name,
        });
        await sleep(random() * options.pollMs);
        continue;
      }
      if (result.kind === 'held') {
        if (result.observation !== observation) watchStarted.set(resource, history.now());
        observations.set(resource, result.observation);
        target = resource; // keep watching: the takeover rule needs an unbroken watch
        await sleep(Math.min(result.retryAfterMs + 1, random() * options.pollMs));
        continue;
      }
      acquired++;
      let lease = result.lease;
      const watchedFrom = observation ? watchStarted.get(resource) : undefined;
      history.record({
        type: 'acquired',
        at: history.now(),
        client: name,
        resource,
        token: lease.token,
        ...(watchedFrom !== undefined ? { watchStartedAt: watchedFrom } : {}),
      });
      observations.delete(resource);
      watchStarted.delete(resource);
      target = undefined;
      await session();
      if (random() < options.crashRate) {
        history.record({ type: 'crashed', at: history.now(), client: name, resource, token: lease.token });
        generation++;
        leases = options.leasesFor(index, generation, options.clockFor(index, generation));
        observations.clear();
        watchStarted.clear();
        await sleep(random() * options.pollMs);
        continue;
      }
      try {
        const released = await leases.release(lease);
        if (released.kind === 'released') {
          history.record({ type: 'released', at: history.now(), client: name, resource, token: lease.token });
        }
      } catch (error) {
        history.record({
          type: 'error',
          at: history.now(),
          client: name,
          resource,
          name: (error as Error).name,
        });
      }

      async function session(): Promise<void> {
        for (let seq = 0; seq < options.stepsPerSession; seq++) {
          try {
            if (random() < options.renewRate) lease = await leases.renew(lease);
            await sleep(random() * options.workMs);
            leases.assertValid(lease);
          } catch (error) {
            history.record({
              type: 'error',
              at: history.now(),
              client: name,
              resource,
              name: (error as Error).name,
            });
            return;
          }
          history.record({ type: 'valid', at: history.now(), client: name, resource, token: lease.token });
          // Frozen after the check and before the side effect: only the fence can stop this write now.
          if (random() < options.pauseRate) await sleep(options.pauseMs);
          try {
            await options.write(leases, lease, { token: lease.token, client: name, seq });
            history.record({
              type: 'write',
              at: history.now(),
              client: name,
              resource,
              token: lease.token,
              outcome: 'accepted',
            });
          } catch (error) {
            const refused = ['LeaseLostError', 'StaleFencingTokenError'].includes((error as Error).name);
            history.record({
              type: 'write',
              at: history.now(),
              client: name,
              resource,
              token: lease.token,
              outcome: refused ? 'refused' : 'unknown',
            });
            return;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
}
