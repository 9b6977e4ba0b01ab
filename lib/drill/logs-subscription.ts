import { encodeSubscription } from '../localization/index.js';

export interface LogLine {
  readonly timestamp: number;
  readonly message: string;
}

/**
 * What a CloudWatch Logs subscription delivers to Lambda for these lines. Event ids are the 56-digit strings
 * CloudWatch Logs uses (they exceed 2^53: strings), unique per log group and stable for the same lines.
 */
export function subscriptionEvent(
  logGroup: string,
  logStream: string,
  lines: readonly LogLine[],
  options: { owner?: string; filterName?: string; idSeed?: number } = {},
): { awslogs: { data: string } } {
  const seed = BigInt(options.idSeed ?? 0);
  return encodeSubscription({
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '000000000000',
    logGroup,
    logStream,
    subscriptionFilters: [options.filterName ?? 'faultline-localize'],
    logEvents: lines.map((line, index) => ({
      id: eventId(line.timestamp, logStream, seed + BigInt(index)),
      timestamp: line.timestamp,
      message: line.message,
    })),
  });
}

function eventId(timestamp: number, logStream: string, sequence: bigint): string {
  let streamHash = 0n;
  for (const c of logStream) streamHash = (streamHash * 131n + BigInt(c.charCodeAt(0))) & 0xffffffffn;
  const id = (BigInt(timestamp) << 96n) | (streamHash << 32n) | (sequence & 0xffffffffn);
  return id.toString().padStart(56, '0').slice(-56);
}
