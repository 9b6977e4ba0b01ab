import type { DynamoDbSender } from '../adapters/dynamodb-coordination-common.js';

/**
 * Counts requests per command at the client (what a caller pays for), passing them through unchanged.
 *
 * @example
 * const counting = new CountingClient(client);
 * await leases.acquire(...); // via a store built on `counting`
 * counting.total(); // 1
 */
export class CountingClient {
  readonly counts = new Map<string, number>();

  constructor(private readonly inner: DynamoDbSender) {}

  send: DynamoDbSender['send'] = ((command: { constructor: { name: string } }) => {
    const name = command.constructor.name;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    return (this.inner.send as (c: unknown) => Promise<unknown>)(command);
  }) as DynamoDbSender['send'];

  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  reset(): void {
    this.counts.clear();
  }
}
