import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { acquire, decidePlan, release } from '../lib/recovery/index.js';
import { logger, metrics, tracer } from './shared/powertools.js';
import { recoveryDeps } from './shared/recovery-deps.js';
import { recoveryEventSchema } from './shared/recovery-event.js';

const eventSchema = recoveryEventSchema(['acquire', 'decide', 'release', 'releaseForEscalation'] as const);

/** Recovery workflow: the resource lease and blast-radius slot, and the plan ballot. */
export async function coordinate(event: unknown) {
  const { action, state, executionName } = eventSchema.parse(event);
  const deps = recoveryDeps();
  switch (action) {
    case 'acquire': {
      const outcome = await acquire(state, executionName, deps);
      if (outcome.kind !== 'acquired') metrics.addMetric('LeaseContention', MetricUnit.Count, 1);
      return outcome;
    }
    case 'decide':
      return decidePlan(state, executionName, deps);
    case 'release':
      return release(state, deps);
    case 'releaseForEscalation': {
      const released = await release(state, deps);
      await deps.incidents.appendTimeline(state.incidentId, {
        at: deps.now().toISOString(),
        kind: 'escalation-requested',
        detail: { error: state.error?.Error ?? null, cause: state.error?.Cause?.slice(0, 500) ?? null },
      });
      return released;
    }
  }
}

export const handler = middy(coordinate)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
