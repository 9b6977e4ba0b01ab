import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Quiet Powertools in tests: no EMF blobs or info logs on stdout.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { detect } from '../../../functions/detect.js';
import { DynamoDbIncidentStore } from '../../../lib/adapters/dynamodb-incident-store.js';
import { MalformedAlarmEventError } from '../../../lib/alarms/index.js';
import { AlarmIntake, DEFAULT_INTAKE_CONFIG, type Incident } from '../../../lib/incidents/index.js';
import { useDynamoDbLocal } from '../../support/dynamodb-local.js';
import {
  buildScenario,
  COOLDOWN_MS,
  checkOutcome,
  FLAP_WINDOW_MS,
  runScenario,
  scenarioArb,
} from '../../unit/incidents/delivery-scenarios.js';
import { RecordingStarter } from '../../unit/incidents/support.js';

const fixture = useDynamoDbLocal();
const SEED = Number(process.env.FC_SEED ?? 20_261_126);
const RUNS = Number(process.env.FC_INTEGRATION_RUNS ?? 12);

const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/alarms/${name}`, import.meta.url), 'utf8'));

async function scanAll(): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(fixture().client);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: fixture().tables.Incidents,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function setup() {
  const store = new DynamoDbIncidentStore({
    client: fixture().client,
    tableName: fixture().tables.Incidents,
  });
  const starter = new RecordingStarter();
  const intake = new AlarmIntake({ store, starter, config: DEFAULT_INTAKE_CONFIG });
  return { store, starter, intake };
}

describe('detect on DynamoDB Local', () => {
  it('opens one incident per fixture shape and answers redeliveries as duplicates', async () => {
    const { store, starter, intake } = setup();
    const names = [
      'eventbridge-metric.json',
      'eventbridge-metric-math.json',
      'eventbridge-composite.json',
      'sns-single-metric.json',
      'sns-metric-math.json',
      'lambda-metric.json',
      'lambda-composite.json',
    ];
    for (const name of names) {
      const { results } = await detect(load(name), intake);
      // The metric and metric-math EventBridge fixtures watch the same instance: one resource, one open incident.
      const expected = name === 'eventbridge-metric-math.json' ? 'duplicate' : 'opened';
      expect(
        results.map((r) => r.action),
        name,
      ).toEqual([expected]);
      const again = await detect(load(name), intake);
      expect(
        again.results.map((r) => [r.action, r.incidentId]),
        name,
      ).toEqual([['duplicate', results[0]?.incidentId]]);
      const incident = await store.get(results[0]?.incidentId ?? '');
      expect(incident).toMatchObject({ status: 'OPEN', executionStarted: true, holdsGuard: true });
    }
    expect(starter.executions.size).toBe(names.length - 1);
    const legacy = await detect(load('sns-legacy-no-arn.json'), intake);
    expect(legacy.results.map((r) => r.action)).toEqual(['ignored']);
  });

  it('rejects malformed deliveries with a typed error and writes nothing', async () => {
    const { intake, starter } = setup();
    const before = await scanAll();
    const good = load('sns-single-metric.json') as { Records: Record<string, unknown>[] };
    const record = good.Records[0] as { Sns: Record<string, unknown> };
    const message = JSON.parse(String(record.Sns.Message)) as Record<string, unknown>;
    const bad = [
      { hello: 'world' },
      { ...load('eventbridge-metric.json'), detail: { alarmName: 'x' } },
      {
        ...load('lambda-metric.json'),
        alarmData: {
          ...(load('lambda-metric.json').alarmData as object),
          state: { value: 'ALARM', reason: 'x', timestamp: 'yesterday' },
        },
      },
      // One good record and one bad one: the good one must not be processed either.
      {
        Records: [
          {
            ...record,
            Sns: {
              ...record.Sns,
              Message: JSON.stringify({
                ...message,
                AlarmName: 'FreshAlarm',
                Trigger: {
                  ...(message.Trigger as object),
                  Dimensions: [{ name: 'QueueName', value: 'fresh' }],
                },
              }),
            },
          },
          {
            ...record,
            Sns: { ...record.Sns, Message: JSON.stringify({ ...message, NewStateValue: 'PANIC' }) },
          },
        ],
      },
    ];
    for (const event of bad) {
      const error = await detect(event, intake).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedAlarmEventError);
      expect((error as Error).name).toBe('MalformedAlarmEventError');
    }
    expect(await scanAll()).toEqual(before);
    expect(starter.calls).toBe(0);
  });

  it(`opens exactly one incident and one execution per genuine episode (${RUNS} shuffled, duplicated runs)`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(2, 2), async (shape) => {
        const scenario = buildScenario(shape, `r${run++}x`);
        const store = new DynamoDbIncidentStore({
          client: fixture().client,
          tableName: fixture().tables.Incidents,
        });
        const starter = new RecordingStarter(() => {
          const r = scenario.random();
          return r < scenario.failureRate / 2 ? 'fail' : r < scenario.failureRate ? 'fail-after-start' : 'ok';
        });
        const intake = new AlarmIntake({
          store,
          starter,
          config: {
            flapWindowMs: FLAP_WINDOW_MS,
            cooldownMs: COOLDOWN_MS,
            maintenanceWindows: scenario.maintenanceWindows,
          },
        });
        await runScenario(
          scenario,
          async (event) => {
            await detect(event, intake);
          },
          async (episode) => {
            if (episode.remediation !== 'auto') return;
            const open = await store.findOpen(episode.resourceId);
            if (!open) throw new Error(`${episode.resourceId}: no open incident to recover`);
            const at = new Date(episode.resolveAt ?? 0).toISOString();
            await store.transition(open.incidentId, {
              from: ['OPEN'],
              to: 'RECOVERING',
              entry: { at, kind: 'recovering' },
            });
            await store.transition(open.incidentId, {
              from: ['RECOVERING'],
              to: 'RESOLVED',
              entry: { at, kind: 'resolved' },
            });
          },
        );
        const resources = new Set(scenario.episodes.map((e) => e.resourceId));
        const incidents = (await scanAll())
          .filter((i) => i.type === 'incident' && resources.has(String(i.resourceId)))
          .map((i) => i as unknown as Incident);
        const problems = checkOutcome(scenario, incidents, new Set(starter.executions.keys()));
        if (problems.length > 0) throw new Error(problems.join('\n'));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
