import { gzipSync } from 'node:zlib';

export interface LogLine {
  readonly timestamp: number;
  readonly message: string;
}

/**
 * Builds what a CloudWatch Logs subscription delivers to Lambda: `{ awslogs: { data } }` where data is base64 of
 * gzip of the JSON batch. Event ids are the 56-digit strings CloudWatch Logs uses (they exceed 2^53: strings).
 */
export function subscriptionEvent(
  logGroup: string,
  logStream: string,
  lines: readonly LogLine[],
  options: { owner?: string; filterName?: string; idSeed?: number } = {},
): { awslogs: { data: string } } {
  const seed = BigInt(options.idSeed ?? 0);
  const batch = {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '000000000000',
    logGroup,
    logStream,
    subscriptionFilters: [options.filterName ?? 'faultline-localize'],
    logEvents: lines.map((line, index) => ({
      id: eventId(line.timestamp, seed + BigInt(index)),
      timestamp: line.timestamp,
      message: line.message,
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(batch))).toString('base64') } };
}

function eventId(timestamp: number, sequence: bigint): string {
  const id = (BigInt(timestamp) << 96n) | (sequence & ((1n << 96n) - 1n));
  return id.toString().padStart(56, '0').slice(-56);
}
