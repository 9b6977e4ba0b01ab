import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { advanceRunbook, runStep } from '../lib/recovery/index.js';
import { logger, metrics, tracer } from './shared/powertools.js';
import { recoveryDeps } from './shared/recovery-deps.js';
import { recoveryEventSchema } from './shared/recovery-event.js';

const eventSchema = recoveryEventSchema(['runStep', 'nextRunbook'] as const);

/** Recovery workflow: runbook steps, each fenced by the lease token. */
export async function runbook(event: unknown) {
  const { action, state, executionName } = eventSchema.parse(event);
  const deps = recoveryDeps();
  return action === 'runStep' ? runStep(state, executionName, deps) : advanceRunbook(state, deps);
}

export const handler = middy(runbook)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
