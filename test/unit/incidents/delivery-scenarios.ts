import fc from 'fast-check';
import { resourceIdFor } from '../../../lib/alarms/index.js';
import { ExecutionStartFailedError, type Incident, type Remediation } from '../../../lib/incidents/index.js';
import { type ChangeSpec, encodeDelivery, prng, type Shape } from './support.js';

/**
 * Delivery scenarios for the "one incident and one execution per genuine episode" property (maintenance
 * episodes get an incident and no execution: recorded, not remediated).
 *
 * A genuine episode is a run of state changes of one resource whose ALARM transitions span less than the flap
 * window W, separated from the previous episode by more than W. Deliveries are at-least-once: every change is
 * delivered 1–3 times, each in a random shape (EventBridge, SNS, Lambda action), episodes' deliveries are
 * shuffled, late duplicates of earlier episodes are mixed in, resources interleave, up to three deliveries
 * are processed concurrently, and StartExecution fails at random (before or after starting), in which case the
 * delivery is redelivered later. The one ordering assumption: each episode's deliveries (and its recovery,
 * which the simulated workflow performs between episodes) precede the next episode's — a delivery delayed past
 * a newer fault of the same resource is stale by design.
 */
export const FLAP_WINDOW_MS = 60_000;
export const COOLDOWN_MS = 10 * 60_000;
const T0 = Date.UTC(2026, 2, 1);

interface EpisodeShape {
  readonly flips: number;
  readonly steps: readonly number[];
  readonly endsOk: boolean;
  readonly insufficient: boolean;
  readonly longGap: boolean;
  readonly jitter: number;
  readonly maintenance: boolean;
}

export interface ScenarioShape {
  readonly resources: readonly { readonly composite: boolean; readonly episodes: readonly EpisodeShape[] }[];
  readonly seed: number;
  readonly failureRate: number;
  readonly concurrency: number;
  readonly lateDuplicates: number;
}

const episodeArb: fc.Arbitrary<EpisodeShape> = fc.record({
  flips: fc.integer({ min: 1, max: 5 }),
  // At most 12 steps of ≤ 4.5 s: an episode's ALARMs always span less than the 60 s window.
  steps: fc.array(fc.integer({ min: 500, max: 4_500 }), { minLength: 12, maxLength: 12 }),
  endsOk: fc.boolean(),
  insufficient: fc.boolean(),
  longGap: fc.boolean(),
  jitter: fc.integer({ min: 0, max: 5 * 60_000 }),
  maintenance: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
});

export const scenarioArb = (maxResources = 3, maxEpisodes = 3): fc.Arbitrary<ScenarioShape> =>
  fc.record({
    resources: fc.array(
      fc.record({
        composite: fc.boolean(),
        episodes: fc.array(episodeArb, { minLength: 1, maxLength: maxEpisodes }),
      }),
      { minLength: 1, maxLength: maxResources },
    ),
    seed: fc.integer(),
    failureRate: fc.constantFrom(0, 0.1, 0.3),
    concurrency: fc.integer({ min: 1, max: 3 }),
    lateDuplicates: fc.integer({ min: 0, max: 3 }),
  });

export interface ExpectedEpisode {
  readonly resourceId: string;
  readonly alarmTimes: readonly number[];
  readonly remediation: Remediation;
  /** When the simulated workflow resolves it (auto episodes). */
  readonly resolveAt?: number;
}

export interface Scenario {
  readonly episodes: readonly ExpectedEpisode[];
  readonly maintenanceWindows: { startsAt: number; endsAt: number; resources: string[] }[];
  /** Per resource: segments of deliveries, each followed by its episode's barrier. */
  readonly queues: readonly (readonly Item[])[];
  readonly random: () => number;
  readonly concurrency: number;
  readonly failureRate: number;
}

type Item =
  | { readonly kind: 'delivery'; readonly event: Record<string, unknown>; readonly label: string }
  | { readonly kind: 'barrier'; readonly episode: ExpectedEpisode };

const SHAPES: readonly Shape[] = ['eventbridge', 'sns', 'lambda'];

/** Lays out times, the oracle's expected episodes, and the shuffled delivery queues of a scenario. */
/** `runId` keeps resources of different runs apart when they share a table. */
export function buildScenario(shape: ScenarioShape, runId = ''): Scenario {
  const random = prng(shape.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const episodes: ExpectedEpisode[] = [];
  const maintenanceWindows: Scenario['maintenanceWindows'] = [];
  const queues: Item[][] = [];
  shape.resources.forEach((res, r) => {
    const alarmName = `Alarm${runId}${r}`;
    const dimensions: Record<string, string> = res.composite
      ? {}
      : { InstanceId: `i-${runId}${r.toString(16).padStart(17, '0')}` };
    const resourceId = resourceIdFor(dimensions, alarmName);
    const queue: Item[] = [];
    const past: ChangeSpec[] = [];
    let lastAlarm: number | undefined;
    let lastResolved: number | undefined;
    let label = 0;
    for (const ep of res.episodes) {
      let start =
        lastAlarm === undefined ? T0 + r * 86_400_000 : lastAlarm + FLAP_WINDOW_MS + 1_000 + ep.jitter;
      if (ep.longGap && lastResolved !== undefined)
        start = Math.max(start, lastResolved + COOLDOWN_MS + 1_000 + ep.jitter);
      const changes: ChangeSpec[] = [];
      let t = start;
      let previous: ChangeSpec['state'] = 'OK';
      const push = (state: ChangeSpec['state']) => {
        changes.push({ alarmName, dimensions, state, previousState: previous, at: t });
        previous = state;
        t += ep.steps[changes.length % ep.steps.length] ?? 1_000;
      };
      for (let i = 0; i < ep.flips; i++) {
        push('ALARM');
        if (i < ep.flips - 1 || ep.endsOk) push('OK');
      }
      if (ep.insufficient) push('INSUFFICIENT_DATA');
      const alarmTimes = changes.filter((c) => c.state === 'ALARM').map((c) => c.at);
      const first = Math.min(...alarmTimes);
      let last = Math.max(...alarmTimes);
      // Keep every episode clearly inside or outside the cooldown, so the oracle does not depend on which of
      // its ALARMs happens to be delivered first.
      if (
        !ep.maintenance &&
        lastResolved !== undefined &&
        first - lastResolved < COOLDOWN_MS &&
        last - lastResolved >= COOLDOWN_MS
      ) {
        const shift = lastResolved + COOLDOWN_MS + 1_000 - first;
        for (let i = 0; i < changes.length; i++)
          changes[i] = { ...(changes[i] as ChangeSpec), at: (changes[i] as ChangeSpec).at + shift };
        for (let i = 0; i < alarmTimes.length; i++) alarmTimes[i] = (alarmTimes[i] as number) + shift;
        last += shift;
      }
      const lastChange = Math.max(...changes.map((c) => c.at));
      const firstAlarm = Math.min(...alarmTimes);
      let remediation: Remediation = 'auto';
      if (ep.maintenance) {
        remediation = 'maintenance';
        maintenanceWindows.push({ startsAt: firstAlarm - 1, endsAt: last + 1, resources: [resourceId] });
      } else if (lastResolved !== undefined && last - lastResolved < COOLDOWN_MS) {
        remediation = 'cooldown';
      }
      const episode: ExpectedEpisode = {
        resourceId,
        alarmTimes,
        remediation,
        ...(remediation === 'auto' ? { resolveAt: lastChange + 1_000 } : {}),
      };
      episodes.push(episode);
      const segment: Item[] = [];
      for (const change of changes) {
        const copies = 1 + Math.floor(random() * 3);
        for (let c = 0; c < copies; c++) {
          segment.push({
            kind: 'delivery',
            event: encodeDelivery(change, pick(SHAPES), `d-${label}`),
            label: `${resourceId}@${change.at}:${change.state}`,
          });
          label++;
        }
      }
      for (let i = 0; i < shape.lateDuplicates && past.length > 0; i++) {
        const change = pick(past);
        segment.push({
          kind: 'delivery',
          event: encodeDelivery(change, pick(SHAPES), `late-${label++}`),
          label: `late ${change.at}`,
        });
      }
      shuffle(segment, random);
      queue.push(...segment, { kind: 'barrier', episode });
      past.push(...changes);
      lastAlarm = last;
      if (remediation === 'auto') lastResolved = episode.resolveAt;
    }
    queues.push(queue);
  });
  return {
    episodes,
    maintenanceWindows,
    queues,
    random,
    concurrency: shape.concurrency,
    failureRate: shape.failureRate,
  };
}

function shuffle<T>(xs: T[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
}

/**
 * Runs a scenario: deliveries through `deliver` (redelivered later when it throws ExecutionStartFailedError),
 * barriers through `resolve` (the simulated recovery workflow).
 */
export async function runScenario(
  scenario: Scenario,
  deliver: (event: Record<string, unknown>) => Promise<void>,
  resolve: (episode: ExpectedEpisode) => Promise<void>,
): Promise<void> {
  const queues = scenario.queues.map((q) => [...q]);
  let redeliveries = 0;
  for (;;) {
    const ready = queues.filter((q) => q[0]?.kind === 'delivery');
    if (ready.length === 0) {
      const withBarrier = queues.find((q) => q.length > 0);
      if (!withBarrier) return;
      const barrier = withBarrier.shift();
      if (barrier?.kind === 'barrier') await resolve(barrier.episode);
      continue;
    }
    const batch: { queue: Item[]; item: Extract<Item, { kind: 'delivery' }> }[] = [];
    for (let i = 0; i < scenario.concurrency; i++) {
      const candidates = queues.filter((q) => q[0]?.kind === 'delivery');
      if (candidates.length === 0) break;
      const queue = candidates[Math.floor(scenario.random() * candidates.length)] as Item[];
      batch.push({ queue, item: queue.shift() as Extract<Item, { kind: 'delivery' }> });
    }
    await Promise.all(
      batch.map(async ({ queue, item }) => {
        try {
          await deliver(item.event);
        } catch (error) {
          if (!(error instanceof ExecutionStartFailedError)) throw error;
          if (++redeliveries > 10_000) throw new Error('redelivery loop did not converge');
          // Redelivered later, but before this episode's recovery (the barrier).
          const barrierAt = queue.findIndex((x) => x.kind === 'barrier');
          const end = barrierAt < 0 ? queue.length : barrierAt;
          queue.splice(Math.floor(scenario.random() * (end + 1)), 0, item);
        }
      }),
    );
  }
}

/** Compares the incidents and executions that exist against the scenario's genuine episodes. */
export function checkOutcome(
  scenario: Scenario,
  incidents: readonly Incident[],
  executionNames: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const byResource = new Map<string, Incident[]>();
  for (const i of incidents) byResource.set(i.resourceId, [...(byResource.get(i.resourceId) ?? []), i]);
  const expectedNames = new Set<string>();
  const resources = new Set(scenario.episodes.map((e) => e.resourceId));
  for (const resourceId of resources) {
    const expected = scenario.episodes.filter((e) => e.resourceId === resourceId);
    const actual = (byResource.get(resourceId) ?? []).sort((a, b) => a.firstAlarmAt - b.firstAlarmAt);
    if (actual.length !== expected.length) {
      problems.push(`${resourceId}: ${actual.length} incidents for ${expected.length} episodes`);
      continue;
    }
    expected.forEach((episode, k) => {
      const incident = actual[k] as Incident;
      if (!episode.alarmTimes.includes(incident.firstAlarmAt))
        problems.push(`${incident.incidentId}: not opened by an ALARM of episode ${k}`);
      if (incident.remediation !== episode.remediation) {
        problems.push(
          `${incident.incidentId}: remediation ${incident.remediation}, expected ${episode.remediation}`,
        );
      }
      if (episode.remediation === 'auto' || episode.remediation === 'cooldown') {
        expectedNames.add(incident.executionName);
        if (!incident.executionStarted)
          problems.push(`${incident.incidentId}: execution not recorded as started`);
        const status = episode.remediation === 'auto' ? 'RESOLVED' : 'ESCALATED';
        if (incident.status !== status)
          problems.push(`${incident.incidentId}: ${incident.status}, expected ${status}`);
      } else if (incident.executionStarted) {
        problems.push(`${incident.incidentId}: ${episode.remediation} incident started an execution`);
      }
    });
  }
  const extra = [...executionNames].filter((n) => !expectedNames.has(n));
  const missing = [...expectedNames].filter((n) => !executionNames.has(n));
  if (extra.length > 0) problems.push(`unexpected executions: ${extra.join(', ')}`);
  if (missing.length > 0) problems.push(`missing executions: ${missing.join(', ')}`);
  return problems;
}
