/** Health of one simulated node: a crashed node fails every request routed to it. */
export type NodeHealth = 'healthy' | 'crashed';

export interface MinuteTraffic {
  readonly requests: number;
  readonly errors: number;
  readonly perNode: ReadonlyMap<string, { requests: number; errors: number }>;
}

/**
 * A small simulated fleet behind a consistent-hash ring: requests carry random keys, the ring (as stored in
 * DynamoDB, read by the caller) says which node serves each key, and a crashed node fails what it is sent. Taking
 * the node out of the ring is therefore what actually brings the error rate down.
 */
export class SimulatedFleet {
  private readonly health = new Map<string, NodeHealth>();
  readonly restarts: Array<{ node: string; at: number }> = [];

  constructor(readonly nodeIds: readonly string[]) {
    for (const id of nodeIds) this.health.set(id, 'healthy');
  }

  healthOf(node: string): NodeHealth | undefined {
    return this.health.get(node);
  }

  crash(node: string): void {
    this.requireNode(node);
    this.health.set(node, 'crashed');
  }

  restart(node: string, at: number): void {
    this.requireNode(node);
    this.health.set(node, 'healthy');
    this.restarts.push({ node, at });
  }

  /** Serves one minute of traffic: `requests` random keys routed by `route` (undefined: no node, an error). */
  serve(requests: number, random: () => number, route: (key: string) => string | undefined): MinuteTraffic {
    const perNode = new Map<string, { requests: number; errors: number }>();
    for (const id of this.nodeIds) perNode.set(id, { requests: 0, errors: 0 });
    let errors = 0;
    for (let i = 0; i < requests; i += 1) {
      const key = `session-${Math.floor(random() * 1e9)}`;
      const node = route(key);
      const stats = node === undefined ? undefined : perNode.get(node);
      if (!stats) {
        errors += 1;
        continue;
      }
      stats.requests += 1;
      if (this.health.get(node as string) !== 'healthy') {
        stats.errors += 1;
        errors += 1;
      }
    }
    return { requests, errors, perNode };
  }

  private requireNode(node: string): void {
    if (!this.health.has(node)) throw new Error(`No node '${node}' in the simulated fleet`);
  }
}
