import type { QueueDepth } from './audit-sources.js';
import type { Finding } from './finding.js';
import { type AuditThresholds, resolveThresholds } from './thresholds.js';

/** The queue name at the end of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export const queueName = (url: string): string => url.replace(/\/+$/, '').split('/').pop() ?? url;

/**
 * Dead-letter queues holding messages (ApproximateNumberOfMessages > 0): an asynchronous path gave up on some
 * work, which now waits for a person to inspect and redrive it. Critical from `dlqCriticalDepth` messages.
 * Messages in flight only (someone is redriving) are not a finding.
 *
 * @example
 * dlqDepth([{ url: 'https://sqs.eu-west-1.amazonaws.com/123/detect-dlq', visible: 3, inFlight: 0, delayed: 0 }]);
 * // [{ check: 'dlq-depth', severity: 'warning', ... }]
 */
export function dlqDepth(
  depths: readonly QueueDepth[],
  thresholds: Partial<Pick<AuditThresholds, 'dlqCriticalDepth'>> = {},
): Finding[] {
  const t = resolveThresholds(thresholds);
  return depths
    .filter((q) => q.visible > 0)
    .map((q) => ({
      check: 'dlq-depth' as const,
      severity: q.visible >= t.dlqCriticalDepth ? ('critical' as const) : ('warning' as const),
      resource: q.url,
      message: `dead-letter queue ${queueName(q.url)} holds ${q.visible} message${q.visible === 1 ? '' : 's'}: inspect and redrive them`,
      detail: {
        queueName: queueName(q.url),
        visible: q.visible,
        inFlight: q.inFlight,
        delayed: q.delayed,
        criticalDepth: t.dlqCriticalDepth,
      },
    }));
}
