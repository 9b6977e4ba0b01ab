import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One namespace for every Faultline metric (PascalCase names), one logger per process. */
export const METRICS_NAMESPACE = 'Faultline';

export const logger = new Logger({ serviceName: 'faultline' });

// Metrics' own warnings (e.g. an invocation that recorded none) go through the logger, so they obey its level.
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'faultline', logger });

/** X-Ray tracing (the functions run with active tracing); a no-op where POWERTOOLS_TRACE_ENABLED is false. */
export const tracer = new Tracer({ serviceName: 'faultline' });
