import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { DynamoDbIncidentStore } from '../lib/adapters/dynamodb-incident-store.js';
import { DynamoDbLocalizerStore } from '../lib/adapters/dynamodb-localizer-store.js';
import { type LocalizeOutcome, localizeBatch, resourceMapping } from '../lib/suspects/index.js';
import { dynamoDbClient } from './shared/clients.js';
import { readEnv } from './shared/env.js';
import { logger, metrics, tracer } from './shared/powertools.js';

/**
 * CloudWatch Logs subscription → template mining and suspect ranking, attached to the open incident.
 * A malformed delivery throws MalformedLogsPayloadError before any write, so it lands in the DLQ untouched.
 */
export async function localize(event: unknown): Promise<LocalizeOutcome> {
  const env = readEnv('INCIDENTS_TABLE');
  const resourceFor = resourceMapping(process.env.LOG_GROUP_RESOURCES);
  const client = dynamoDbClient();
  const outcome = await localizeBatch(event, {
    store: new DynamoDbLocalizerStore({ client, tableName: env.INCIDENTS_TABLE }),
    incidents: new DynamoDbIncidentStore({ client, tableName: env.INCIDENTS_TABLE }),
    resourceFor,
    now: () => new Date(),
  });
  if (outcome.kind === 'ranked') {
    metrics.addMetric('LogEventsMined', MetricUnit.Count, outcome.events);
    if (outcome.incidentId) {
      metrics.addMetric('SuspectsAttached', MetricUnit.Count, 1);
      logger.info('suspects attached', { incidentId: outcome.incidentId, top: outcome.suspects[0]?.id });
    }
  } else if (outcome.kind === 'duplicate') {
    metrics.addMetric('DuplicateLogBatches', MetricUnit.Count, 1);
  }
  return outcome;
}

export const handler = middy(localize)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
