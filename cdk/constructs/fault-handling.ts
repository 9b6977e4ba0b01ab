import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FaultlineFunction } from './faultline-function.js';
import { DeadLetterQueue, QueueWithDlq } from './queues.js';
import { RecoveryWorkflow } from './recovery-workflow.js';
import { FaultlineTables } from './tables.js';

export interface FaultHandlingProps {
  /**
   * Alarm names to react to. Exact names and/or prefixes; both empty means every alarm in the account/region.
   * @default - every alarm
   */
  readonly alarmNames?: readonly string[];
  /** @default - no prefix filter */
  readonly alarmNamePrefixes?: readonly string[];
  /** Log groups whose events feed localization (a subscription filter each). @default - none */
  readonly logGroupNames?: readonly string[];
  /**
   * Which resource each log group's events speak for (log group name → incident resource id), so suspects land
   * on the right incident. @default - a log group speaks for the resource `logGroup:<name>`
   */
  readonly logGroupResources?: Readonly<Record<string, string>>;
  /** Runbook rules (JSON, validated by the runbook module at cold start). @default - the built-in rules */
  readonly runbookRules?: unknown;
  /** At most this many recoveries act at once across the fleet (blast-radius limit). @default 1 */
  readonly blastRadiusLimit?: number;
  /** A resource remediated less than this ago is escalated instead of remediated again. @default 30 minutes */
  readonly cooldown?: Duration;
  /** Lease duration for a recovery on one resource. @default 2 minutes */
  readonly leaseDuration?: Duration;
  /** Record what runbooks would do, change nothing. @default false */
  readonly dryRun?: boolean;
  /** Queue for outcome notifications. @default - a new encrypted queue with a DLQ */
  readonly notificationsQueue?: sqs.IQueue;
  /** Queue for escalations carrying task tokens. @default - a new encrypted queue with a DLQ */
  readonly escalationsQueue?: sqs.IQueue;
  /** Run the prevention audit this often. @default Duration.hours(1) */
  readonly auditInterval?: Duration;
}

/**
 * Event-driven fault handling for one account and region: alarms open incidents, logs localize them, a Step
 * Functions workflow recovers under a lease, a scheduled audit looks for weak spots.
 *
 * @example
 * new FaultHandling(stack, 'Faults', { alarmNamePrefixes: ['checkout-'], logGroupNames: ['/app/checkout'] });
 */
export class FaultHandling extends Construct {
  public readonly tables: FaultlineTables;
  public readonly notificationsQueue: sqs.IQueue;
  public readonly escalationsQueue: sqs.IQueue;
  /** Alarms may notify this topic instead of (or as well as) EventBridge. */
  public readonly alarmTopic: sns.Topic;
  public readonly detectFunction: lambda.IFunction;
  public readonly localizeFunction: lambda.IFunction;
  public readonly auditFunction: lambda.IFunction;
  public readonly recovery: RecoveryWorkflow;
  public readonly alarmRule: events.Rule;

  constructor(scope: Construct, id: string, props: FaultHandlingProps = {}) {
    super(scope, id);
    validate(props);

    this.tables = new FaultlineTables(this, 'Tables');
    this.notificationsQueue = props.notificationsQueue ?? new QueueWithDlq(this, 'Notifications').queue;
    this.escalationsQueue = props.escalationsQueue ?? new QueueWithDlq(this, 'Escalations').queue;

    const settings: Record<string, string> = {
      ...this.tables.environment(),
      NOTIFICATIONS_QUEUE_URL: this.notificationsQueue.queueUrl,
      ESCALATIONS_QUEUE_URL: this.escalationsQueue.queueUrl,
      BLAST_RADIUS_LIMIT: String(props.blastRadiusLimit ?? 1),
      COOLDOWN_SECONDS: String((props.cooldown ?? Duration.minutes(30)).toSeconds()),
      LEASE_MS: String((props.leaseDuration ?? Duration.minutes(2)).toMilliseconds()),
      DRY_RUN: String(props.dryRun ?? false),
      LOG_GROUP_RESOURCES: JSON.stringify(props.logGroupResources ?? {}),
      ...(props.runbookRules === undefined ? {} : { RUNBOOK_RULES: JSON.stringify(props.runbookRules) }),
    };
    const fn = (handlerName: string, description: string, dlq?: sqs.IQueue) =>
      new FaultlineFunction(this, pascal(handlerName), {
        handlerName,
        description,
        environment: settings,
        deadLetterQueue: dlq,
      }).function;

    const record = fn('recovery-record', 'Faultline recovery: incident bookkeeping');
    const coordinate = fn('recovery-coordinate', 'Faultline recovery: leases, slots, plan ballot');
    const runbook = fn('recovery-runbook', 'Faultline recovery: fenced runbook steps');
    const verify = fn('recovery-verify', 'Faultline recovery: verify by alarm or metric');
    this.tables.incidents.grantReadWriteData(record);
    this.tables.incidents.grantReadWriteData(coordinate);
    this.tables.coordination.grantReadWriteData(coordinate);
    this.tables.incidents.grantReadWriteData(runbook);
    this.tables.coordination.grantReadData(runbook);
    this.tables.ring.grantReadWriteData(runbook);
    this.tables.incidents.grantReadData(verify);
    verify.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`],
      }),
    );

    this.recovery = new RecoveryWorkflow(this, 'Recovery', {
      recordFunction: record,
      coordinateFunction: coordinate,
      runbookFunction: runbook,
      verifyFunction: verify,
      notificationsQueue: this.notificationsQueue,
      escalationsQueue: this.escalationsQueue,
    });

    const detectDlq = new DeadLetterQueue(this, 'DetectDlq');
    const detect = fn('detect', 'Faultline detection: alarm state changes → incidents', detectDlq);
    detect.addEnvironment('RECOVERY_STATE_MACHINE_ARN', this.recovery.stateMachine.stateMachineArn);
    this.tables.incidents.grantReadWriteData(detect);
    this.recovery.stateMachine.grantStartExecution(detect);
    this.detectFunction = detect;

    this.alarmRule = new events.Rule(this, 'AlarmStateChange', {
      description: 'CloudWatch alarm state changes → Faultline detect',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        ...alarmFilter(props),
      },
    });
    this.alarmRule.addTarget(
      new targets.LambdaFunction(detect, {
        deadLetterQueue: new DeadLetterQueue(this, 'AlarmRuleDlq'),
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Faultline alarm notifications',
      enforceSSL: true,
      masterKey: undefined,
    });
    detect.addEventSource(
      new lambdaEventSources.SnsEventSource(this.alarmTopic, {
        deadLetterQueue: new DeadLetterQueue(this, 'AlarmTopicDlq'),
      }),
    );
    // Lets alarms name the detect function directly as an alarm action.
    detect.addPermission('AlarmAction', {
      principal: new iam.ServicePrincipal('lambda.alarms.cloudwatch.amazonaws.com'),
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
    });

    const localizeDlq = new DeadLetterQueue(this, 'LocalizeDlq');
    const localize = fn('localize', 'Faultline localization: log templates → suspects', localizeDlq);
    this.tables.incidents.grantReadWriteData(localize);
    this.localizeFunction = localize;
    for (const [index, logGroupName] of (props.logGroupNames ?? []).entries()) {
      new logs.SubscriptionFilter(this, `LogSubscription${index}`, {
        logGroup: logs.LogGroup.fromLogGroupName(this, `WatchedLogGroup${index}`, logGroupName),
        destination: new logsDestinations.LambdaDestination(localize),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    }

    const auditDlq = new DeadLetterQueue(this, 'AuditDlq');
    const audit = fn('audit', 'Faultline prevention: scheduled audit', auditDlq);
    this.tables.coordination.grantReadData(audit);
    this.tables.ring.grantReadData(audit);
    this.tables.incidents.grantReadData(audit);
    this.notificationsQueue.grantSendMessages(audit);
    this.auditFunction = audit;
    new events.Rule(this, 'AuditSchedule', {
      description: 'Faultline prevention audit',
      schedule: events.Schedule.rate(props.auditInterval ?? Duration.hours(1)),
    }).addTarget(
      new targets.LambdaFunction(audit, { deadLetterQueue: new DeadLetterQueue(this, 'AuditScheduleDlq') }),
    );

    Stack.of(this);
  }
}

function alarmFilter(props: FaultHandlingProps): { detail?: Record<string, unknown> } {
  const names = props.alarmNames ?? [];
  const prefixes = props.alarmNamePrefixes ?? [];
  if (names.length === 0 && prefixes.length === 0) return {};
  return { detail: { alarmName: [...names, ...prefixes.map((prefix) => ({ prefix }))] } };
}

function validate(props: FaultHandlingProps): void {
  const limit = props.blastRadiusLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new Error(`FaultHandling: blastRadiusLimit must be a positive integer, received ${limit}`);
  }
  for (const name of props.logGroupNames ?? []) {
    if (!/^[\w\-/.#]{1,512}$/.test(name)) throw new Error(`FaultHandling: invalid log group name '${name}'`);
  }
}

const pascal = (kebab: string) => kebab.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
