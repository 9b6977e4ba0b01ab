import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { begin, markEscalated, resolve } from '../lib/recovery/index.js';
import { logger, metrics, tracer } from './shared/powertools.js';
import { recoveryDeps } from './shared/recovery-deps.js';
import { recoveryEventSchema } from './shared/recovery-event.js';

const eventSchema = recoveryEventSchema(['begin', 'resolve', 'markEscalated'] as const);

/** Recovery workflow: incident bookkeeping (RECOVERING on begin, RESOLVED, ESCALATED). */
export async function record(event: unknown) {
  const { action, state } = eventSchema.parse(event);
  const deps = recoveryDeps();
  switch (action) {
    case 'begin':
      return begin(state, deps);
    case 'resolve': {
      const resolved = await resolve(state, deps);
      metrics.addMetric('IncidentsResolved', MetricUnit.Count, 1);
      const incident = await deps.incidents.get(state.incidentId);
      const okAt = state.verify?.alarmOkAt;
      // Alarm time to alarm time: from the ALARM that opened the incident to the OK that verified the fix.
      if (incident && typeof okAt === 'number') {
        metrics.addMetric(
          'TimeToRecover',
          MetricUnit.Milliseconds,
          Math.max(0, okAt - incident.firstAlarmAt),
        );
      }
      return resolved;
    }
    case 'markEscalated':
      metrics.addMetric('IncidentsEscalated', MetricUnit.Count, 1);
      return markEscalated(state, deps);
  }
}

export const handler = middy(record)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
