import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../lib/local/event-pattern.js';

const event = {
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  detail: { alarmName: 'checkout-errors', state: { value: 'ALARM' } },
};

describe('matchesPattern', () => {
  it('matches exact values, prefixes and nested fields', () => {
    expect(
      matchesPattern({ source: ['aws.cloudwatch'], detail: { alarmName: [{ prefix: 'checkout-' }] } }, event),
    ).toBe(true);
    expect(matchesPattern({ detail: { state: { value: ['ALARM', 'OK'] } } }, event)).toBe(true);
  });

  it('rejects what does not match', () => {
    expect(matchesPattern({ source: ['aws.ec2'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { alarmName: [{ prefix: 'payments-' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: ['x'] } }, event)).toBe(false);
  });

  it('supports anything-but and exists', () => {
    expect(matchesPattern({ detail: { alarmName: [{ 'anything-but': 'other' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { alarmName: [{ 'anything-but': 'checkout-errors' }] } }, event)).toBe(
      false,
    );
    expect(matchesPattern({ detail: { reason: [{ exists: false }] } }, event)).toBe(true);
  });
});
