import type { ExternalEndpoints } from '../local/backends.js';
import type { DrillResult, Scenario } from './scenario.js';
import { concurrentScenario } from './scenarios/concurrent.js';
import { crashScenario } from './scenarios/crash.js';
import { duplicatesScenario } from './scenarios/duplicates.js';
import { flappingScenario } from './scenarios/flapping.js';
import { malformedScenario } from './scenarios/malformed.js';
import { runbookFailsScenario } from './scenarios/runbook-fails.js';
import { DrillWorld } from './world.js';

export const scenarios: Record<string, Scenario> = Object.fromEntries(
  [
    crashScenario,
    duplicatesScenario,
    flappingScenario,
    malformedScenario,
    runbookFailsScenario,
    concurrentScenario,
  ].map((s) => [s.name, s]),
);

export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
}

export interface DrillOptions {
  readonly scenario?: string;
  readonly seed?: number;
  /** Each timeline line as it happens. */
  readonly onLine?: (line: string) => void;
  /** DynamoDB and SQS at this endpoint (LocalStack) instead of the embedded emulators. */
  readonly endpoint?: ExternalEndpoints;
}

/**
 * Runs one fault drill on the embedded runtime and reports what DynamoDB Local and the execution history say
 * happened.
 *
 * @example
 * const result = await runDrill({ scenario: 'crash' });
 * result.recovered; // true
 */
export async function runDrill(options: DrillOptions = {}): Promise<DrillResult> {
  const name = options.scenario ?? 'crash';
  const scenario = scenarios[name];
  if (!scenario) {
    throw new UnknownScenarioError(`Unknown scenario '${name}'. Known: ${Object.keys(scenarios).join(', ')}`);
  }
  const started = performance.now();
  const world = await DrillWorld.start({
    ...scenario.world,
    seed: options.seed,
    onLine: options.onLine,
    endpoint: options.endpoint,
  });
  try {
    const outcome = await scenario.run(world);
    return {
      scenario: name,
      ...outcome,
      wallMs: Math.round(performance.now() - started),
      ddbRequests: world.ddbRequests,
      ddbRequestsByFunction: world.ddbRequestsByFunction,
    };
  } finally {
    await world.stop();
  }
}
