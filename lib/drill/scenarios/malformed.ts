import {
  type AlarmStateChange,
  eventBridgeAlarmEvent,
  lambdaActionAlarmEvent,
  snsAlarmEvent,
} from '../../local/cloudwatch/alarm-events.js';
import type { Scenario } from '../scenario.js';
import type { DrillWorld } from '../world.js';
import { crashAndRecover } from './crash.js';
import { ALARM_SHAPES, commonOutcome, deliverInShape, deliveryCounts, shuffled } from './facts.js';

type Json = Record<string, unknown>;

/** Malformed deliveries sent in each world (the driver's intent, reported next to what the DLQ holds). */
const sent = new WeakMap<DrillWorld, number>();

/**
 * Near misses built from the real change, so each one is wrong in exactly one way a real producer gets wrong:
 * they reach `detect` as the rule or the subscription would send them.
 */
export const MALFORMED: ReadonlyArray<{
  readonly name: string;
  readonly via: 'rule' | 'detect';
  readonly build: (change: AlarmStateChange) => unknown;
}> = [
  {
    name: 'eventbridge-unknown-state',
    via: 'rule',
    build: (change) => withPath(eventBridgeAlarmEvent(change), ['detail', 'state', 'value'], 'BROKEN'),
  },
  {
    name: 'eventbridge-no-timestamp',
    via: 'rule',
    build: (change) => withPath(eventBridgeAlarmEvent(change), ['detail', 'state', 'timestamp'], undefined),
  },
  {
    name: 'sns-truncated-message',
    via: 'detect',
    build: (change) => {
      const event = snsAlarmEvent(change);
      const sns = ((event.Records as Json[])[0] as Json).Sns as Json;
      return withPath(event, ['Records', '0', 'Sns', 'Message'], String(sns.Message).slice(0, 40));
    },
  },
  {
    // One good record and one bad one: all or nothing, the good record must not be processed alone.
    name: 'sns-one-bad-record-of-two',
    via: 'detect',
    build: (change) => {
      const good = (snsAlarmEvent(change).Records as Json[])[0] as Json;
      const bad = withPath({ record: good }, ['record', 'Sns', 'Message'], '{"AlarmName": 42}').record;
      return { Records: [good, bad] };
    },
  },
  {
    name: 'lambda-action-bad-timestamp',
    via: 'detect',
    build: (change) =>
      withPath(lambdaActionAlarmEvent(change), ['alarmData', 'state', 'timestamp'], 'yesterday at noon'),
  },
  { name: 'not-an-alarm', via: 'detect', build: () => ({ hello: 'world' }) },
];

/**
 * The crash drill with malformed deliveries mixed (seeded, shuffled) into the good ones, one good delivery per
 * change in a rotating shape. Malformed ones must end in detect's DLQ, having written nothing; the good ones must
 * still open and recover the incident.
 */
export const malformedScenario: Scenario = {
  name: 'malformed',
  description: 'the crash drill with malformed alarm deliveries mixed in with the good ones',
  world: {
    async deliver(world: DrillWorld, change) {
      const shape = ALARM_SHAPES[world.alarmChanges.indexOf(change) % ALARM_SHAPES.length] ?? 'eventbridge';
      const items = shuffled([{ name: `good ${shape}` }, ...MALFORMED], world.random);
      for (const item of items) {
        if (!('build' in item)) {
          await deliverInShape(world, change, shape);
          continue;
        }
        world.note(`delivering malformed '${item.name}'`);
        sent.set(world, (sent.get(world) ?? 0) + 1);
        const event = item.build(change);
        if (item.via === 'rule') world.recordDeliveries(await world.runtime.putEvent(event));
        else world.recordDeliveries([await world.runtime.invokeAsync('detect', event)]);
      }
    },
  },
  async run(world: DrillWorld) {
    const { faultAt } = await crashAndRecover(world);
    const [outcome, counts] = await Promise.all([commonOutcome(world, faultAt), deliveryCounts(world)]);
    return {
      ...outcome,
      ...counts,
      alarmStateChanges: world.alarmChanges.length,
      // The driver's intent, for comparison with `rejected` (which is what the DLQ holds).
      malformedSent: sent.get(world) ?? 0,
    };
  },
};

/** A deep copy of `value` with the field at `path` replaced (or removed, for undefined). */
function withPath(value: Json, path: readonly string[], replacement: unknown): Json {
  const copy = structuredClone(value);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}
