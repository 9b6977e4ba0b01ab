import type { Scenario } from '../scenario.js';
import { DRILL_START_MS, type DrillWorld, MINUTE_MS } from '../world.js';
import { commonOutcome } from './facts.js';

export const FAULTY_NODE = 'node-4';

/** Runs the fleet healthy for a while, crashes one node, and lets Faultline detect, localize and recover. */
export async function crashAndRecover(world: DrillWorld, node = FAULTY_NODE) {
  world.note(
    `fleet of ${world.fleet.nodeIds.length} nodes behind ring 'checkout'; alarm checkout-error-rate > 5%`,
  );
  await world.advanceTo(DRILL_START_MS + 5 * MINUTE_MS);
  const faultAt = world.clock.now();
  world.fleet.crash(node);
  world.note(`fault injected: ${node} crashed`);
  while (world.runtime.stepFunctions.executions.size === 0 && world.clock.now() < faultAt + 15 * MINUTE_MS) {
    await world.simulateMinute();
  }
  const executions = await world.executionsSettled();
  return { faultAt, executions };
}

export const crashScenario: Scenario = {
  name: 'crash',
  description: 'one node of a six-node fleet crashes; Faultline drains it from the ring and restarts it',
  async run(world: DrillWorld) {
    const { faultAt } = await crashAndRecover(world);
    return { ...(await commonOutcome(world, faultAt)), faultyNode: FAULTY_NODE };
  },
};
