import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import { CloudWatchAlarmTags } from '../lib/adapters/cloudwatch-alarm-tags.js';
import { DynamoDbIncidentStore } from '../lib/adapters/dynamodb-incident-store.js';
import { SfnExecutionStarter } from '../lib/adapters/sfn-execution-starter.js';
import {
  carriesWatchTag,
  MalformedAlarmEventError,
  parseAlarmDelivery,
  parseWatchTag,
} from '../lib/alarms/index.js';
import {
  AlarmIntake,
  type IntakeAction,
  type IntakeResult,
  intakeConfigFromEnv,
} from '../lib/incidents/index.js';
import { dynamoDbClient, stepFunctionsClient } from './shared/clients.js';
import { readEnv } from './shared/env.js';
import { logger, metrics, tracer } from './shared/powertools.js';

export interface DetectSummary {
  readonly results: IntakeResult[];
}

/** One metric per intake outcome, so dashboards separate real faults from redeliveries and flaps. */
const METRIC: Record<IntakeAction, string> = {
  opened: 'IncidentsOpened',
  escalated: 'IncidentsEscalatedOnCooldown',
  maintenance: 'IncidentsInMaintenance',
  suppressed: 'AlarmsSuppressed',
  duplicate: 'DuplicateAlarmDeliveries',
  recorded: 'AlarmStatesRecorded',
  resolved: 'IncidentsResolvedByAlarm',
  ignored: 'AlarmStatesIgnored',
};

let alarmTags: CloudWatchAlarmTags | undefined;

/** Alarms without the configured watch tag (if one is configured) are not Faultline's to handle. */
async function watched(alarmArn: string): Promise<boolean> {
  const watch = parseWatchTag(process.env.WATCH_ALARM_TAG);
  if (!watch) return true;
  alarmTags ??= new CloudWatchAlarmTags(new CloudWatchClient({}));
  return carriesWatchTag(await alarmTags.tagsOf(alarmArn), watch);
}

let defaultIntake: AlarmIntake | undefined;
let intakeClient: unknown;

/**
 * Built on first use (not at import) so tests can import `detect` without the stack's environment; rebuilt when
 * the shared client changes (the local runtime re-points clients between runs).
 */
function intakeFromEnv(): AlarmIntake {
  if (!defaultIntake || intakeClient !== dynamoDbClient()) {
    intakeClient = dynamoDbClient();
    const env = readEnv('INCIDENTS_TABLE', 'RECOVERY_STATE_MACHINE_ARN');
    defaultIntake = new AlarmIntake({
      store: new DynamoDbIncidentStore({ client: dynamoDbClient(), tableName: env.INCIDENTS_TABLE }),
      starter: new SfnExecutionStarter({
        client: stepFunctionsClient(),
        stateMachineArn: env.RECOVERY_STATE_MACHINE_ARN,
      }),
      config: intakeConfigFromEnv(process.env),
    });
  }
  return defaultIntake;
}

/**
 * Alarm delivery (EventBridge, SNS or Lambda alarm action) → incidents and recovery executions.
 *
 * The whole delivery is validated before anything is written: a malformed record throws
 * `MalformedAlarmEventError` and the delivery goes to the DLQ untouched. Valid changes are all processed even
 * if one fails (say StartExecution is throttled); the first failure is rethrown afterwards so the delivery is
 * retried, which intake absorbs as duplicates.
 *
 * @example
 * const { results } = await detect(eventBridgeEvent, new AlarmIntake({ store, starter }));
 */
export async function detect(event: unknown, intake: AlarmIntake = intakeFromEnv()): Promise<DetectSummary> {
  let changes: ReturnType<typeof parseAlarmDelivery>;
  try {
    changes = parseAlarmDelivery(event);
  } catch (error) {
    if (error instanceof MalformedAlarmEventError) {
      metrics.addMetric('AlarmDeliveriesRejected', MetricUnit.Count, 1);
      logger.error('rejected malformed alarm delivery', { issues: error.issues });
    }
    throw error;
  }
  const results: IntakeResult[] = [];
  let failure: unknown;
  for (const change of changes) {
    try {
      if (!(await watched(change.alarmArn))) {
        results.push({
          incidentId: null,
          resourceId: change.resourceId,
          alarmName: change.alarmName,
          state: change.state,
          action: 'ignored',
        });
        metrics.addMetric('AlarmsNotWatched', MetricUnit.Count, 1);
        continue;
      }
      const result = await intake.process(change);
      results.push(result);
      metrics.addMetric(METRIC[result.action], MetricUnit.Count, 1);
      logger.info('alarm state change processed', { ...result, stateChangedAt: change.stateChangedAt });
    } catch (error) {
      failure ??= error;
      metrics.addMetric('AlarmIntakeFailures', MetricUnit.Count, 1);
      logger.error('alarm intake failed', {
        error,
        alarmName: change.alarmName,
        resourceId: change.resourceId,
      });
    }
  }
  if (failure !== undefined) throw failure;
  return { results };
}

export const handler = middy((event: unknown) => detect(event))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
