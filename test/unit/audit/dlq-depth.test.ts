import { describe, expect, it } from 'vitest';
import { dlqDepth, queueName } from '../../../lib/audit/index.js';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/faultline-DetectDlq';

describe('dlqDepth', () => {
  it('reports a dead-letter queue with visible messages', () => {
    expect(dlqDepth([{ url: URL, visible: 3, inFlight: 1, delayed: 0 }])).toEqual([
      {
        check: 'dlq-depth',
        severity: 'warning',
        resource: URL,
        message: 'dead-letter queue faultline-DetectDlq holds 3 messages: inspect and redrive them',
        detail: { queueName: 'faultline-DetectDlq', visible: 3, inFlight: 1, delayed: 0, criticalDepth: 10 },
      },
    ]);
  });

  it('ignores empty queues and queues with messages only in flight', () => {
    expect(
      dlqDepth([
        { url: URL, visible: 0, inFlight: 0, delayed: 0 },
        { url: `${URL}2`, visible: 0, inFlight: 5, delayed: 2 },
      ]),
    ).toEqual([]);
  });

  it('is critical from the critical depth on', () => {
    const depths = [9, 10, 11].map((visible, i) => ({
      url: `${URL}-${i}`,
      visible,
      inFlight: 0,
      delayed: 0,
    }));
    expect(dlqDepth(depths).map((f) => f.severity)).toEqual(['warning', 'critical', 'critical']);
    expect(dlqDepth(depths, { dlqCriticalDepth: 100 }).map((f) => f.severity)).toEqual([
      'warning',
      'warning',
      'warning',
    ]);
    expect(dlqDepth([{ url: URL, visible: 1, inFlight: 0, delayed: 0 }])[0]?.message).toContain(
      'holds 1 message:',
    );
  });

  it('takes the queue name from the URL', () => {
    expect(queueName(URL)).toBe('faultline-DetectDlq');
    expect(queueName(`${URL}/`)).toBe('faultline-DetectDlq');
  });
});
