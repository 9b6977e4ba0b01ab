import type { MinuteTraffic } from './fleet.js';

/**
 * Log lines a node writes in one minute, the way a real service would: routine lines scale with the traffic it
 * served, and a crashed node writes its failures. Numbers, ids and addresses vary so the template miner has
 * something to mask; the wording does not depend on the node, so no line names the culprit.
 */
export function linesFor(
  node: string,
  traffic: MinuteTraffic,
  crashed: boolean,
  random: () => number,
  maxLines = 40,
): string[] {
  const stats = traffic.perNode.get(node) ?? { requests: 0, errors: 0 };
  const n = (k: number) => Math.floor(random() * k);
  const ip = () => `10.0.${n(8)}.${1 + n(250)}`;
  const lines: string[] = [];
  const served = Math.min(maxLines, Math.ceil((stats.requests - stats.errors) / 10));
  for (let i = 0; i < served; i += 1) {
    switch (n(4)) {
      case 0:
        lines.push(`INFO http GET /api/cart/${n(99999)} 200 ${5 + n(40)}ms from ${ip()}`);
        break;
      case 1:
        lines.push(`INFO http POST /api/checkout/${n(99999)} 201 ${20 + n(80)}ms from ${ip()}`);
        break;
      case 2:
        lines.push(`INFO cache hit ratio ${(0.8 + random() * 0.19).toFixed(3)} for shard ${n(16)}`);
        break;
      default:
        lines.push(`DEBUG pool db-primary active=${n(20)} idle=${n(10)} waiting=0`);
    }
  }
  lines.push(`INFO heartbeat ok uptime=${1000 + n(90000)}s`);
  if (crashed) {
    const failures = Math.min(maxLines, Math.max(3, Math.ceil(stats.errors / 5)));
    for (let i = 0; i < failures; i += 1) {
      switch (n(3)) {
        case 0:
          lines.push(`ERROR db connection refused to ${ip()}:5432 after ${1 + n(5)} attempts`);
          break;
        case 1:
          lines.push(`ERROR worker-${n(32)} OutOfMemoryError: heap usage ${90 + n(10)}% exceeds limit`);
          break;
        default:
          lines.push(
            `WARN http request ${n(1e6).toString(16)} failed: upstream timeout after ${3000 + n(2000)}ms`,
          );
      }
    }
  }
  return lines;
}
