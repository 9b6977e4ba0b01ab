import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One namespace for every Faultline metric (PascalCase names), one logger per process. */
export const METRICS_NAMESPACE = 'Faultline';

export const logger = new Logger({ serviceName: 'faultline' });

// Metrics' own warnings (e.g. an invocation that recorded none) go through the logger, so they obey its level.
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'faultline', logger });
