import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const functionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../functions');

/**
 * Context key set by the local runtime's in-process synth: bundling is skipped there, and a fixed asset hash
 * spares CDK from fingerprinting the whole project directory (node_modules included) for every function.
 */
export const LOCAL_SYNTH_CONTEXT = 'faultline:local-synth';

/** Environment variable naming the handler file, so the local runtime can map a synthesized function to code. */
export const FUNCTION_NAME_ENV = 'FAULTLINE_FUNCTION';

export interface FaultlineFunctionProps {
  /** Handler file in functions/, without extension (kebab-case), e.g. `detect`. */
  readonly handlerName: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** Where failed asynchronous invocations go; required for functions invoked asynchronously. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySizeMb?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A Faultline Lambda: bundled locally by esbuild (no Docker), Node.js 24 on arm64, X-Ray tracing, its own log
 * group with retention, a role of its own that may write only to that log group (no managed policies), and (for
 * async callers) a DLQ with two retries.
 */
export class FaultlineFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FaultlineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Faultline ${props.handlerName}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      role: this.role,
      entry: path.join(functionsDir, `${props.handlerName}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySizeMb ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.deadLetterQueue ? 2 : undefined,
      environment: {
        ...props.environment,
        [FUNCTION_NAME_ENV]: props.handlerName,
        POWERTOOLS_SERVICE_NAME: 'faultline',
        POWERTOOLS_METRICS_NAMESPACE: 'Faultline',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // ESM bundles of CommonJS dependencies still call require(); give them one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
        ...(this.node.tryGetContext(LOCAL_SYNTH_CONTEXT) ? { assetHash: `local-${props.handlerName}` } : {}),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
