import type { Scenario } from '../scenario.js';
import type { DrillWorld } from '../world.js';
import { crashAndRecover } from './crash.js';
import { ALARM_SHAPES, commonOutcome, deliverInShape, deliveryCounts, shuffled } from './facts.js';

/** Copies of each delivery, per shape: EventBridge, SNS and Lambda alarm actions are all at-least-once. */
export const COPIES = 3;

/**
 * The crash drill with at-least-once delivery at its worst: every alarm state change arrives 3 times in each of
 * the three shapes, in a seeded shuffled order, all at once. Intake must still open one incident and start one
 * execution.
 */
export const duplicatesScenario: Scenario = {
  name: 'duplicates',
  description: `the crash drill with every alarm delivery sent ${COPIES} times in each of the three shapes, shuffled`,
  world: {
    async deliver(world: DrillWorld, change) {
      const copies = ALARM_SHAPES.flatMap((shape) => Array.from({ length: COPIES }, () => shape));
      const order = shuffled(copies, world.random);
      world.note(`delivering ${change.state} ${order.length} times, concurrently: ${order.join(', ')}`);
      await Promise.all(order.map((shape) => deliverInShape(world, change, shape)));
    },
  },
  async run(world: DrillWorld) {
    const { faultAt } = await crashAndRecover(world);
    const [outcome, counts] = await Promise.all([commonOutcome(world, faultAt), deliveryCounts(world)]);
    return {
      ...outcome,
      ...counts,
      // What CloudWatch changed (its emulator's record), each delivered COPIES × 3 shapes times.
      alarmStateChanges: world.alarmChanges.length,
      copiesPerChange: COPIES * ALARM_SHAPES.length,
    };
  },
};
