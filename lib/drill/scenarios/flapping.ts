import type { Scenario } from '../scenario.js';
import { ALARM, type DrillWorld } from '../world.js';
import { crashAndRecover } from './crash.js';
import { commonOutcome, deliveryCounts } from './facts.js';

/** ALARM → OK cycles, all within one minute of the first ALARM. */
export const FLIPS = 10;
export const FLIP_SPACING_MS = 3_000;
const FLAP_REASON = 'drill: flapping';

/** Transitions the flapper has made in each world, counting the evaluator's ALARM that starts it. */
const transitions = new WeakMap<DrillWorld, number>();

/**
 * The crash drill with a flapping alarm: from the evaluator's first ALARM, the alarm flips OK/ALARM through
 * CloudWatch's SetAlarmState every 3 s of simulated time, 10 ALARM/OK cycles within the minute, each change
 * delivered through the EventBridge rule as it happens. One incident and one execution must come of it.
 */
export const flappingScenario: Scenario = {
  name: 'flapping',
  description: `the crash drill with the alarm flipping ALARM/OK ${FLIPS} times within a minute`,
  world: {
    async deliver(world: DrillWorld, change) {
      await world.deliverThroughEventBridge(change);
      if (change.alarm.alarmName !== ALARM.alarmName) return;
      const done = transitions.get(world);
      const flapping = change.reason.startsWith(FLAP_REASON);
      const starts = done === undefined && change.state === 'ALARM';
      if (!starts && !flapping) return;
      const count = (done ?? 0) + 1;
      transitions.set(world, count);
      if (count >= 2 * FLIPS) return;
      // Deliveries run inside the world's minute, so no Wait can move the clock between flips: the next change
      // is queued by the emulator and delivered (back here) right after this one.
      world.clock.advanceTo(change.timestampMs + FLIP_SPACING_MS);
      world.runtime.cloudwatch.setAlarmState(
        ALARM.alarmName,
        change.state === 'ALARM' ? 'OK' : 'ALARM',
        `${FLAP_REASON} ${count + 1}/${2 * FLIPS}`,
      );
    },
  },
  async run(world: DrillWorld) {
    const { faultAt } = await crashAndRecover(world);
    const [outcome, counts] = await Promise.all([commonOutcome(world, faultAt), deliveryCounts(world)]);
    // From the CloudWatch emulator's record: the transitions within a minute of the first ALARM.
    const firstAlarm = world.alarmChanges.find((c) => c.state === 'ALARM');
    const inMinute = firstAlarm
      ? world.alarmChanges.filter(
          (c) => c.timestampMs >= firstAlarm.timestampMs && c.timestampMs < firstAlarm.timestampMs + 60_000,
        )
      : [];
    return {
      ...outcome,
      ...counts,
      alarmTransitionsInFirstMinute: inMinute.length,
      alarmEntriesInFirstMinute: inMinute.filter((c) => c.state === 'ALARM').length,
      alarmStateChanges: world.alarmChanges.length,
    };
  },
};
