import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One namespace for every Faultline metric (PascalCase names), one logger per process. */
export const METRICS_NAMESPACE = 'Faultline';

export const logger = new Logger({ serviceName: 'faultline' });

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'faultline' });
