import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlarmDelivery } from '../../../lib/alarms/index.js';
import {
  AlarmIntake,
  type Incident,
  type IncidentStore,
  InMemoryIncidentStore,
} from '../../../lib/incidents/index.js';
import {
  buildScenario,
  COOLDOWN_MS,
  checkOutcome,
  FLAP_WINDOW_MS,
  runScenario,
  type ScenarioShape,
  scenarioArb,
} from './delivery-scenarios.js';
import { RecordingStarter } from './support.js';

// Replay a failure with FC_SEED=<seed> (and FC_PATH from the report); FC_RUNS raises the run count for soaks.
const SEED = Number(process.env.FC_SEED ?? 20_261_126);
const RUNS = Number(process.env.FC_RUNS ?? 1_000);

interface Variant {
  /** Wraps the store (negative controls inject bugs here). */
  readonly store?: (inner: InMemoryIncidentStore) => IncidentStore;
  readonly flapWindowMs?: number;
}

async function outcome(shape: ScenarioShape, variant: Variant = {}): Promise<string[]> {
  const scenario = buildScenario(shape);
  const memory = new InMemoryIncidentStore();
  const store = variant.store ? variant.store(memory) : memory;
  const starter = new RecordingStarter(() => {
    const r = scenario.random();
    return r < scenario.failureRate / 2 ? 'fail' : r < scenario.failureRate ? 'fail-after-start' : 'ok';
  });
  let now = Date.UTC(2026, 2, 1);
  const intake = new AlarmIntake({
    store,
    starter,
    config: {
      flapWindowMs: variant.flapWindowMs ?? FLAP_WINDOW_MS,
      cooldownMs: COOLDOWN_MS,
      maintenanceWindows: scenario.maintenanceWindows,
    },
    clock: () => (now += 7),
  });
  const problems: string[] = [];
  await runScenario(
    scenario,
    async (event) => {
      for (const change of parseAlarmDelivery(event)) await intake.process(change);
    },
    async (episode) => {
      if (episode.remediation !== 'auto') return;
      const open = await store.findOpen(episode.resourceId);
      if (!open) {
        problems.push(`${episode.resourceId}: no open incident to recover`);
        return;
      }
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
  return [...problems, ...checkOutcome(scenario, memory.allIncidents(), new Set(starter.executions.keys()))];
}

const property = (variant: Variant = {}) =>
  fc.asyncProperty(scenarioArb(), async (shape) => {
    const problems = await outcome(shape, variant);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

/** Records the execution as started when the incident is written: the bug `executionStarted` exists to avoid. */
class MarksBeforeStarting extends InMemoryIncidentStore {
  override createIncident(
    incident: Incident,
    options: Parameters<InMemoryIncidentStore['createIncident']>[1],
  ) {
    return super.createIncident(
      { ...incident, executionStarted: incident.remediation !== 'maintenance' },
      options,
    );
  }
}

describe('alarm intake under at-least-once, shuffled delivery', () => {
  it(`opens exactly one incident and starts exactly one execution per genuine episode (${RUNS} runs)`, async () => {
    await fc.assert(property(), { numRuns: RUNS, seed: SEED });
  });

  it('catches intake without flap suppression (negative control)', async () => {
    const result = await fc.check(property({ flapWindowMs: 0 }), { numRuns: 300, seed: SEED });
    expect(result.failed).toBe(true);
  });

  it('catches marking the execution started before StartExecution succeeded (negative control)', async () => {
    const result = await fc.check(property({ store: () => new MarksBeforeStarting() }), {
      numRuns: 300,
      seed: SEED,
    });
    expect(result.failed).toBe(true);
  });
});
