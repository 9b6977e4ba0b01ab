import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AnomalyScorer,
  encodeSubscription,
  ingestSubscription,
  type LogsPayload,
  MalformedLogsPayloadError,
} from '../../../lib/localization/index.js';
import { TemplateMiner } from '../../../lib/templates/index.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/logs/${name}`, import.meta.url), 'utf8'));
const payload = (events: { id: string; timestamp: number; message: string }[]): LogsPayload => ({
  owner: '123456789012',
  logGroup: '/ecs/orders',
  logStream: 'orders/web/3f2a9c',
  subscriptionFilters: ['faultline'],
  messageType: 'DATA_MESSAGE',
  logEvents: events,
});

describe('ingestSubscription', () => {
  it('mines every line and counts it under the log stream', () => {
    const miner = new TemplateMiner();
    const scorer = new AnomalyScorer();
    const event = encodeSubscription(
      payload([
        { id: '1', timestamp: 1_000, message: 'order 1001 failed: payment declined' },
        { id: '2', timestamp: 2_000, message: 'order 1002 failed: payment declined' },
      ]),
    );
    expect(ingestSubscription(event, miner, scorer)).toEqual({
      skipped: false,
      logGroup: '/ecs/orders',
      logStream: 'orders/web/3f2a9c',
      events: 2,
      newTemplates: 1,
      dropped: 0,
    });
    const [suspect] = scorer.suspects();
    expect(suspect?.source).toBe('orders/web/3f2a9c');
    expect(suspect?.evidence.templates[0]).toMatchObject({
      template: 'order <*> failed: payment declined',
      count: 2,
    });
  });

  it('skips the CONTROL_MESSAGE without touching miner or scorer', () => {
    const { _source, ...control } = fixture('payload-control-message.json');
    const miner = new TemplateMiner();
    const scorer = new AnomalyScorer();
    expect(ingestSubscription(encodeSubscription(control), miner, scorer).skipped).toBe(true);
    expect(miner.size).toBe(0);
    expect(scorer.toState().current).toEqual([]);
  });

  it('changes nothing when the delivery is malformed', () => {
    const miner = new TemplateMiner();
    const scorer = new AnomalyScorer();
    ingestSubscription(fixture('subscription-lambda-docs.json').event, miner, scorer);
    const before = JSON.stringify([miner.toState(), scorer.toState()]);
    const broken = { awslogs: { data: encodeSubscription(payload([])).awslogs.data.slice(0, 20) } };
    expect(() => ingestSubscription(broken, miner, scorer)).toThrow(MalformedLogsPayloadError);
    expect(JSON.stringify([miner.toState(), scorer.toState()])).toBe(before);
  });
});
