import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
import {
  defaultRunbookRules,
  iamStatementsFor,
  parseRunbookRules,
  verificationIamStatements,
} from '../../lib/runbooks/index.js';
import { FaultlineDashboard } from './dashboard.js';
import { FaultlineFunction } from './faultline-function.js';
import { acknowledgeWildcardResources } from './nag.js';
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
  /**
   * React only to alarms carrying this tag (and value, when given), checked with ListTagsForResource since alarm
   * events do not carry tags. Combines with the name filters. @default - no tag filter
   */
  readonly alarmTag?: { readonly key: string; readonly value?: string };
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
  /** Alarm flips within this window count as one fault. @default Duration.minutes(15) */
  readonly flapWindow?: Duration;
  /**
   * Times when alarms are recorded but not remediated, optionally only for some resources (resource ids or
   * alarm names). @default - none
   */
  readonly maintenanceWindows?: ReadonlyArray<{
    readonly startsAt: string;
    readonly endsAt: string;
    readonly resources?: readonly string[];
  }>;
  /** Seconds between verification checks after a runbook. @default 60 */
  readonly verifyIntervalSeconds?: number;
  /** Checks before a runbook counts as failed. @default 10 */
  readonly verifyMaxChecks?: number;
  /** Consecutive checks that must find the alarm OK before a recovery counts (one OK can be a flap). @default 2 */
  readonly verifyOkChecks?: number;
  /** How long a person has to answer an escalation before the incident is closed as ESCALATED. @default 24 hours */
  readonly escalationTimeout?: Duration;
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
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FaultHandlingProps = {}) {
    super(scope, id);
    validate(props);

    this.tables = new FaultlineTables(this, 'Tables');
    const ownQueueDlqs: sqs.IQueue[] = [];
    const ownQueue = (id: string) => {
      const created = new QueueWithDlq(this, id);
      ownQueueDlqs.push(created.deadLetterQueue);
      return created.queue;
    };
    this.notificationsQueue = props.notificationsQueue ?? ownQueue('Notifications');
    this.escalationsQueue = props.escalationsQueue ?? ownQueue('Escalations');

    const settings: Record<string, string> = {
      ...this.tables.environment(),
      NOTIFICATIONS_QUEUE_URL: this.notificationsQueue.queueUrl,
      ESCALATIONS_QUEUE_URL: this.escalationsQueue.queueUrl,
      BLAST_RADIUS_LIMIT: String(props.blastRadiusLimit ?? 1),
      FAULTLINE_COOLDOWN_SECONDS: String((props.cooldown ?? Duration.minutes(30)).toSeconds()),
      FAULTLINE_FLAP_WINDOW_SECONDS: String((props.flapWindow ?? Duration.minutes(15)).toSeconds()),
      FAULTLINE_MAINTENANCE_WINDOWS: JSON.stringify(props.maintenanceWindows ?? []),
      VERIFY_INTERVAL_SECONDS: String(props.verifyIntervalSeconds ?? 60),
      VERIFY_MAX_CHECKS: String(props.verifyMaxChecks ?? 10),
      VERIFY_OK_CHECKS: String(props.verifyOkChecks ?? 2),
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
    // Every step renews the lease (coordination writes) and appends to the incident timeline.
    this.tables.incidents.grantReadWriteData(runbook);
    this.tables.coordination.grantReadWriteData(runbook);
    this.tables.ring.grantReadWriteData(runbook);
    this.tables.incidents.grantReadWriteData(verify);
    this.tables.coordination.grantReadWriteData(verify);
    // Exactly the actions the configured runbooks declare, on the resources they name.
    const arnEnv = { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID };
    const rules = parseRunbookRules(props.runbookRules ?? defaultRunbookRules);
    grant(runbook, iamStatementsFor(rules, arnEnv));
    grant(verify, verificationIamStatements(arnEnv, watchedAlarmPatterns(props)));

    this.recovery = new RecoveryWorkflow(this, 'Recovery', {
      recordFunction: record,
      coordinateFunction: coordinate,
      runbookFunction: runbook,
      verifyFunction: verify,
      notificationsQueue: this.notificationsQueue,
      escalationsQueue: this.escalationsQueue,
      escalationTimeout: props.escalationTimeout,
    });

    const detectDlq = new DeadLetterQueue(this, 'DetectDlq');
    const detect = fn('detect', 'Faultline detection: alarm state changes → incidents', detectDlq);
    detect.addEnvironment('RECOVERY_STATE_MACHINE_ARN', this.recovery.stateMachine.stateMachineArn);
    if (props.alarmTag) {
      detect.addEnvironment('WATCH_ALARM_TAG', JSON.stringify(props.alarmTag));
      grant(detect, [
        {
          actions: ['cloudwatch:ListTagsForResource'],
          resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`],
          reason:
            'Which alarms carry the watch tag is only known by reading their tags; alarm names are open-ended.',
        },
      ]);
    }
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
    const alarmRuleDlq = new DeadLetterQueue(this, 'AlarmRuleDlq');
    const alarmTopicDlq = new DeadLetterQueue(this, 'AlarmTopicDlq');
    this.alarmRule.addTarget(
      new targets.LambdaFunction(detect, {
        deadLetterQueue: alarmRuleDlq,
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
      new lambdaEventSources.SnsEventSource(this.alarmTopic, { deadLetterQueue: alarmTopicDlq }),
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
    const deadLetterQueues: sqs.IQueue[] = [detectDlq, localizeDlq];
    for (const [index, logGroupName] of (props.logGroupNames ?? []).entries()) {
      new logs.SubscriptionFilter(this, `LogSubscription${index}`, {
        logGroup: logs.LogGroup.fromLogGroupName(this, `WatchedLogGroup${index}`, logGroupName),
        destination: new logsDestinations.LambdaDestination(localize),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    }

    const auditDlq = new DeadLetterQueue(this, 'AuditDlq');
    const auditScheduleDlq = new DeadLetterQueue(this, 'AuditScheduleDlq');
    deadLetterQueues.push(auditDlq, auditScheduleDlq, alarmRuleDlq, alarmTopicDlq, ...ownQueueDlqs);
    const audit = new FaultlineFunction(this, 'Audit', {
      handlerName: 'audit',
      description: 'Faultline prevention: scheduled audit',
      environment: {
        ...settings,
        DLQ_URLS: Stack.of(this).toJsonString(deadLetterQueues.map((q) => q.queueUrl)),
        WATCHED_ALARM_NAMES: JSON.stringify(props.alarmNames ?? []),
        WATCHED_ALARM_NAME_PREFIXES: JSON.stringify(props.alarmNamePrefixes ?? []),
      },
      deadLetterQueue: auditDlq,
      timeout: Duration.minutes(2),
    }).function;
    audit.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Scan'],
        resources: [this.tables.coordination.tableArn, this.tables.ring.tableArn],
      }),
    );
    grant(audit, [
      {
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`],
        reason:
          'The audit looks for resources without alarms, so it reads every alarm in the account and region.',
      },
    ]);
    for (const dlq of deadLetterQueues) dlq.grant(audit, 'sqs:GetQueueAttributes');
    this.notificationsQueue.grantSendMessages(audit);
    this.auditFunction = audit;
    new events.Rule(this, 'AuditSchedule', {
      description: 'Faultline prevention audit',
      schedule: events.Schedule.rate(props.auditInterval ?? Duration.hours(1)),
    }).addTarget(new targets.LambdaFunction(audit, { deadLetterQueue: auditScheduleDlq }));

    for (const dlq of [detectDlq, localizeDlq, auditDlq, auditScheduleDlq, alarmRuleDlq, alarmTopicDlq]) {
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue (of a Lambda function or an event target).',
      });
    }
    for (const fnWithQualifiers of [record, coordinate, runbook, verify]) {
      Validations.of(this.recovery.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fnWithQualifiers.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason:
          'The state machine may invoke versions and aliases of its own step functions (LambdaInvoke grant).',
      });
    }
    Validations.of(this.recovery.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing and CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery and related) support no resource-level permissions.',
    });

    this.dashboard = new FaultlineDashboard(this, 'Dashboard', {
      stateMachine: this.recovery.stateMachine,
      deadLetterQueues,
    }).dashboard;
  }
}

/** Adds plain-data IAM statements to a function's role and acknowledges the wildcards that carry a reason. */
function grant(
  fn: lambda.IFunction,
  statements: ReadonlyArray<{
    readonly actions: readonly string[];
    readonly resources: readonly string[];
    readonly reason?: string;
  }>,
): void {
  for (const statement of statements) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...statement.actions], resources: [...statement.resources] }),
    );
  }
  if (fn.role) acknowledgeWildcardResources(fn.role, statements);
}

/** Alarm names the verify step may read: the configured names and prefixes, or every alarm. */
function watchedAlarmPatterns(props: FaultHandlingProps): string[] {
  const patterns = [...(props.alarmNames ?? []), ...(props.alarmNamePrefixes ?? []).map((p) => `${p}*`)];
  return patterns.length > 0 ? patterns : ['*'];
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
