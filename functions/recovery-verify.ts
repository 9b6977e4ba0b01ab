import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { verify } from '../lib/recovery/index.js';
import { logger, metrics, tracer } from './shared/powertools.js';
import { recoveryDeps } from './shared/recovery-deps.js';
import { recoveryEventSchema } from './shared/recovery-event.js';

const eventSchema = recoveryEventSchema(['verify'] as const);

/** Recovery workflow: re-check the alarm after a runbook. */
export async function verifyRecovery(event: unknown) {
  const { state } = eventSchema.parse(event);
  return verify(state, recoveryDeps());
}

export const handler = middy(verifyRecovery)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
