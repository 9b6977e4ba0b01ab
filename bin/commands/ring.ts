import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DynamoDbRingStore } from '../../lib/adapters/dynamodb-ring-store.js';
import {
  addMember,
  changeRing,
  HashRing,
  type PlanSummary,
  type RingChange,
  type RingChangeResult,
  RingNotFoundError,
  type RingStore,
} from '../../lib/ring/index.js';
import { ringTable } from '../../lib/tables/schemas.js';

export interface RingCommandDeps {
  /** Where output goes. @default process.stdout */
  readonly write?: (chunk: string) => void;
  /** Builds the DynamoDB client. @default SDK default chain, plus `--endpoint`/`--region` when given */
  readonly client?: (options: { endpoint?: string; region?: string }) => DynamoDBClient;
}

interface CommonOptions {
  readonly ringId: string;
  readonly table: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly json?: boolean;
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const nonNegativeInteger = (value: string): number => {
  const n = Number(value);
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

function common(command: Command): Command {
  return command
    .option('--ring-id <id>', 'which ring in the table', 'default')
    .addOption(new Option('--table <name>', 'ring table name').env('RING_TABLE').default(ringTable.localName))
    .option('--endpoint <url>', 'DynamoDB endpoint (else AWS_ENDPOINT_URL / the SDK default)')
    .option('--region <region>', 'AWS region (else AWS_REGION / profile)')
    .option('--json', 'print one JSON object');
}

function describePlan(plan: PlanSummary, limit = 8): string {
  if (plan.transfers.length === 0) return '  nothing moves\n';
  const lines = plan.transfers
    .slice(0, limit)
    .map(
      (t) => `  ${t.from ?? '(none)'} → ${t.to ?? '(none)'}  ${percent(t.fraction)}  (${t.ranges} ranges)`,
    );
  if (plan.transfers.length > limit) lines.push(`  … ${plan.transfers.length - limit} more transfers`);
  return `${lines.join('\n')}\n`;
}

/**
 * `faultline ring show | add ID | remove ID | drain ID | mark-down ID | restore ID | lookup KEY`, against the
 * ring table of a deployed stack, LocalStack, or `faultline local` (region, credentials and endpoint the
 * standard AWS way, or `--endpoint`/`--region`/`--table`).
 *
 * @example
 * program.addCommand(ringCommand());
 * // faultline ring add node-a --weight 2
 * // faultline ring drain node-a --fence-resource incident/db-1 --fence-token 7 --json
 * // faultline ring lookup tenant-42 --replicas 3
 */
export function ringCommand(deps: RingCommandDeps = {}): Command {
  const write = deps.write ?? ((chunk: string) => process.stdout.write(chunk));
  const makeClient =
    deps.client ??
    ((options: { endpoint?: string; region?: string }) =>
      new DynamoDBClient({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.region ? { region: options.region } : {}),
      }));

  const withStore = async <T>(options: CommonOptions, run: (store: RingStore) => Promise<T>): Promise<T> => {
    const client = makeClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
    });
    try {
      return await run(new DynamoDbRingStore({ client, tableName: options.table }));
    } finally {
      client.destroy();
    }
  };

  const report = (options: CommonOptions, verb: string, id: string, result: RingChangeResult): void => {
    if (options.json) {
      write(`${JSON.stringify({ ringId: options.ringId, ...result })}\n`);
      return;
    }
    const outcome = result.changed
      ? `now version ${result.version}`
      : `already so, version ${result.version}`;
    write(
      `${verb} ${id} in ring '${options.ringId}': ${outcome}; ${percent(result.plan.movedFraction)} of keys move\n`,
    );
    write(describePlan(result.plan));
  };

  const fenceOptions = (command: Command): Command =>
    command
      .option('--fence-resource <resource>', 'lease resource whose token fences this write')
      .option('--fence-token <n>', 'lease fencing token', nonNegativeInteger);
  const fenceOf = (options: { fenceResource?: string; fenceToken?: number }) => {
    if ((options.fenceResource === undefined) !== (options.fenceToken === undefined)) {
      throw new InvalidArgumentError('--fence-resource and --fence-token go together');
    }
    return options.fenceResource !== undefined && options.fenceToken !== undefined
      ? { fence: { resource: options.fenceResource, token: options.fenceToken } }
      : {};
  };

  const changeCommand = (
    name: string,
    verb: string,
    description: string,
    kind: 'remove' | 'drain' | 'markDown' | 'restore',
  ) =>
    fenceOptions(common(new Command(name).description(description).argument('<id>', 'member id'))).action(
      async (id: string, options: CommonOptions & { fenceResource?: string; fenceToken?: number }) => {
        const change: RingChange = { kind, id };
        const result = await withStore(options, (store) =>
          changeRing(store, options.ringId, change, fenceOf(options)),
        );
        report(options, verb, id, result);
      },
    );

  const show = common(
    new Command('show').description('print members, states, weights and key shares'),
  ).action(async (options: CommonOptions) => {
    const record = await withStore(options, (store) => store.read(options.ringId));
    if (!record) throw new RingNotFoundError(options.ringId);
    const ring = HashRing.build(record.members);
    const shares = ring.shares();
    const members = record.members.map((m) => ({ ...m, share: shares.get(m.id) ?? 0 }));
    const balance = ring.size > 0 ? ring.maxOverMean() : null;
    if (options.json) {
      const { ringId, version, fences, updatedAt } = record;
      write(`${JSON.stringify({ ringId, version, updatedAt, maxOverMean: balance, members, fences })}\n`);
      return;
    }
    const up = members.filter((m) => m.state === 'up').length;
    write(
      `ring '${record.ringId}'  version ${record.version}  ${members.length} members (${up} up)` +
        `${balance === null ? '' : `  max/mean ${balance.toFixed(3)}`}  updated ${record.updatedAt ?? '?'}\n`,
    );
    const width = Math.max(2, ...members.map((m) => m.id.length));
    write(`  ${'ID'.padEnd(width)}  STATE     WEIGHT  SHARE\n`);
    for (const m of members) {
      write(
        `  ${m.id.padEnd(width)}  ${m.state.padEnd(8)}  ${String(m.weight).padEnd(6)}  ${percent(m.share)}\n`,
      );
    }
    const fences = Object.entries(record.fences);
    if (fences.length > 0) write(`fences: ${fences.map(([r, t]) => `${r}=${t}`).join(', ')}\n`);
  });

  const add = fenceOptions(
    common(
      new Command('add')
        .description('add a member (creates the ring if needed)')
        .argument('<id>', 'member id')
        .option('--weight <n>', 'relative capacity', positiveNumber, 1),
    ),
  ).action(
    async (
      id: string,
      options: CommonOptions & { weight: number; fenceResource?: string; fenceToken?: number },
    ) => {
      const result = await withStore(options, (store) =>
        addMember(store, options.ringId, { id, weight: options.weight }, fenceOf(options)),
      );
      report(options, 'added', id, result);
    },
  );

  const lookup = common(
    new Command('lookup')
      .description('which member owns KEY (and the next ones, with --replicas)')
      .argument('<key>', 'the key to place')
      .option('--replicas <n>', 'length of the preference list', nonNegativeInteger, 1),
  ).action(async (key: string, options: CommonOptions & { replicas: number }) => {
    const record = await withStore(options, (store) => store.read(options.ringId));
    if (!record) throw new RingNotFoundError(options.ringId);
    const ring = HashRing.build(record.members);
    const preferenceList = ring.preferenceList(key, Math.max(1, options.replicas));
    const position = HashRing.position(key);
    if (options.json) {
      write(
        `${JSON.stringify({ ringId: record.ringId, version: record.version, key, position, owner: preferenceList[0], preferenceList })}\n`,
      );
      return;
    }
    write(
      `${key} → ${preferenceList[0]}  (position ${position}, ring '${record.ringId}' version ${record.version})\n`,
    );
    if (preferenceList.length > 1) write(`  preference list: ${preferenceList.join(', ')}\n`);
  });

  return new Command('ring')
    .description('consistent-hash ring kept in DynamoDB: show, change membership, look keys up')
    .addCommand(show)
    .addCommand(add)
    .addCommand(changeCommand('remove', 'removed', 'remove a member outright', 'remove'))
    .addCommand(changeCommand('drain', 'drained', 'stop a member owning keys (planned removal)', 'drain'))
    .addCommand(changeCommand('mark-down', 'marked down', 'stop a failed member owning keys', 'markDown'))
    .addCommand(changeCommand('restore', 'restored', 'return a drained or down member to service', 'restore'))
    .addCommand(lookup);
}
