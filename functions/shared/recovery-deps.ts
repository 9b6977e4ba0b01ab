import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AutoScalingRunbookAdapter } from '../../lib/adapters/autoscaling-runbook-adapter.js';
import { checkAlarm } from '../../lib/adapters/cloudwatch-verification.js';
import { DynamoDbDecisionRegister } from '../../lib/adapters/dynamodb-ballot-store.js';
import { DynamoDbIncidentStore } from '../../lib/adapters/dynamodb-incident-store.js';
import { DynamoDbLeaseStore } from '../../lib/adapters/dynamodb-lease-store.js';
import { DynamoDbLocalizerStore } from '../../lib/adapters/dynamodb-localizer-store.js';
import { DynamoDbRingStore } from '../../lib/adapters/dynamodb-ring-store.js';
import { Ec2RunbookAdapter } from '../../lib/adapters/ec2-runbook-adapter.js';
import { EcsRunbookAdapter } from '../../lib/adapters/ecs-runbook-adapter.js';
import { LambdaRunbookAdapter } from '../../lib/adapters/lambda-runbook-adapter.js';
import { WriteOnceBallots } from '../../lib/ballots/index.js';
import { Leases, Semaphore } from '../../lib/leases/index.js';
import { type RecoveryDeps, ringOperations } from '../../lib/recovery/index.js';
import { defaultRunbookRules, parseRunbookRules } from '../../lib/runbooks/index.js';
import { dynamoDbClient } from './clients.js';
import { readEnv } from './env.js';

let deps: RecoveryDeps | undefined;
let builtFor: unknown;

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/**
 * The recovery steps' dependencies, built once per container from the environment the stack sets. Rebuilt when
 * the DynamoDB client singleton changes (the local runtime re-points clients between runs).
 */
export function recoveryDeps(): RecoveryDeps {
  const client = dynamoDbClient();
  if (deps && builtFor === client) return deps;
  const env = readEnv('COORDINATION_TABLE', 'RING_TABLE', 'INCIDENTS_TABLE');
  const leases = new Leases(new DynamoDbLeaseStore({ client, tableName: env.COORDINATION_TABLE }));
  const cloudwatch = new CloudWatchClient({});
  deps = {
    incidents: new DynamoDbIncidentStore({ client, tableName: env.INCIDENTS_TABLE }),
    suspects: new DynamoDbLocalizerStore({ client, tableName: env.INCIDENTS_TABLE }),
    leases,
    semaphore: new Semaphore(leases),
    ballots: new WriteOnceBallots(
      new DynamoDbDecisionRegister({ client, tableName: env.COORDINATION_TABLE }),
    ),
    rules: parseRunbookRules(process.env.RUNBOOK_RULES ?? defaultRunbookRules),
    ports: {
      ring: ringOperations(new DynamoDbRingStore({ client, tableName: env.RING_TABLE })),
      ecs: new EcsRunbookAdapter(new ECSClient({})),
      ec2: new Ec2RunbookAdapter(new EC2Client({})),
      autoScaling: new AutoScalingRunbookAdapter(new AutoScalingClient({})),
      lambda: new LambdaRunbookAdapter(new LambdaClient({})),
    },
    checkAlarm: (alarmName) => checkAlarm(cloudwatch, alarmName),
    config: {
      leaseMs: number('LEASE_MS', 120_000),
      blastRadiusLimit: number('BLAST_RADIUS_LIMIT', 1),
      poolName: 'recovery',
      dryRun: process.env.DRY_RUN === 'true',
      maxLeaseWaits: number('MAX_LEASE_WAITS', 60),
      verify: {
        intervalSeconds: number('VERIFY_INTERVAL_SECONDS', 60),
        maxChecks: number('VERIFY_MAX_CHECKS', 10),
        okChecks: number('VERIFY_OK_CHECKS', 2),
      },
    },
    now: () => new Date(),
  };
  builtFor = client;
  return deps;
}
