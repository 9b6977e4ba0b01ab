import type { DynamoDbSender } from '../adapters/dynamodb-coordination-common.js';
import { seededRandom, sleep } from './rng.js';

/** Probability of each fault per request (the rest go through untouched). Their sum must be ≤ 1. */
export interface FaultRates {
  /** Applied, then the reply is lost: the caller sees a timeout. */
  readonly appliedTimeout?: number;
  /** Never reaches DynamoDB, but the caller sees the same timeout (it cannot tell the two apart). */
  readonly lostRequest?: number;
  /** Refused for capacity: ProvisionedThroughputExceededException, not applied. */
  readonly throttled?: number;
  /** Delayed by up to `maxDelayMs`, then sent. */
  readonly delayed?: number;
  /** Delivered twice, as an SDK retry after a lost reply does: the caller sees the second reply. */
  readonly duplicated?: number;
  /** The caller times out at once; the request is applied later (up to `maxDelayMs`), still in flight. */
  readonly lateApply?: number;
}

export interface FaultOptions {
  readonly seed: number;
  /** @default no random faults */
  readonly rates?: FaultRates;
  /** Bound on every injected delay. @default 20 */
  readonly maxDelayMs?: number;
}

export type FaultKind = keyof FaultRates | 'none';

/** An error shaped like the SDK's, matched by name at the adapter boundary as real ones are. */
function sdkError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  Object.assign(error, { $metadata: {}, $fault: name === 'TimeoutError' ? 'client' : 'server' });
  return error;
}

/**
 * Wraps a DynamoDB client and injects seeded faults: applied-but-timed-out, failed-not-applied, throttled,
 * delayed, duplicated, and applied-late. Everything it does derives from `seed`, so a run replays.
 *
 * @example
 * const faulty = new FaultInjectingClient(client, { seed: 7, rates: { appliedTimeout: 0.02, throttled: 0.02 } });
 * const store = new DynamoDbLeaseStore({ client: faulty, tableName });
 * // ... run; then
 * await faulty.drain(); // late requests have landed
 */
export class FaultInjectingClient {
  readonly injected = new Map<FaultKind, number>();
  /** Round-trip time of every request that reached DynamoDB, in ms (for latency-aware bounds). */
  readonly latenciesMs: number[] = [];
  /** Turn faults off (e.g. for a checker's final reads). */
  enabled = true;
  private readonly random: () => number;
  private readonly maxDelayMs: number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly scripted: FaultKind[] = [];

  constructor(
    private readonly inner: DynamoDbSender,
    private readonly options: FaultOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.maxDelayMs = options.maxDelayMs ?? 20;
    const sum = Object.values(options.rates ?? {}).reduce((a: number, b) => a + (b ?? 0), 0);
    if (sum > 1) throw new RangeError(`fault rates sum to ${sum} > 1`);
  }

  send: DynamoDbSender['send'] = ((command: unknown) => this.inject(command)) as DynamoDbSender['send'];

  /** The next requests get exactly these faults, in order (deterministic regressions), before random ones resume. */
  script(...kinds: FaultKind[]): this {
    this.scripted.push(...kinds);
    return this;
  }

  /** Resolves once every late-applied request has reached DynamoDB. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private pick(): FaultKind {
    let r = this.random();
    for (const [kind, p] of Object.entries(this.options.rates ?? {}) as [FaultKind, number | undefined][]) {
      r -= p ?? 0;
      if (r < 0) return kind;
    }
    return 'none';
  }

  private async inject(command: unknown): Promise<unknown> {
    const kind = this.scripted.shift() ?? (this.enabled ? this.pick() : 'none');
    const delay = Math.floor(this.random() * this.maxDelayMs);
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    const send = async () => {
      const start = performance.now();
      try {
        return await (this.inner.send as (c: unknown) => Promise<unknown>)(command);
      } finally {
        this.latenciesMs.push(performance.now() - start);
      }
    };
    switch (kind) {
      case 'throttled':
        throw sdkError('ProvisionedThroughputExceededException', 'injected: throttled');
      case 'lostRequest':
        await sleep(delay);
        throw sdkError('TimeoutError', 'injected: request lost');
      case 'appliedTimeout':
        await send().catch(() => undefined);
        throw sdkError('TimeoutError', 'injected: applied, reply lost');
      case 'lateApply': {
        const late = sleep(delay)
          .then(send)
          .catch(() => undefined)
          .finally(() => this.pending.delete(late));
        this.pending.add(late);
        throw sdkError('TimeoutError', 'injected: timed out, still in flight');
      }
      case 'duplicated':
        await send().catch(() => undefined);
        return send();
      case 'delayed':
        await sleep(delay);
        return send();
      default:
        return send();
    }
  }
}
