import type { DrillWorld, DrillWorldOptions } from './world.js';

/** What every scenario finds out; scenarios may add fields of their own. */
export interface DrillOutcome {
  readonly recovered: boolean;
  readonly incidentId: string | null;
  readonly suspect: string | null;
  /** Fault injected → ALARM transition that opened the incident, in simulated ms. */
  readonly mttdMs: number | null;
  /** Fault injected → the workflow saw the alarm back to OK, in simulated ms. */
  readonly mttrMs: number | null;
  /** State names the recovery execution entered, in order. */
  readonly steps: string[];
  readonly [extra: string]: unknown;
}

export interface DrillResult extends DrillOutcome {
  readonly scenario: string;
  readonly wallMs: number;
  /** DynamoDB requests the handlers made from the first alarm delivery to the end of the recovery. */
  readonly ddbRequests: number;
  /** The same, by function (detect, localize, recovery-*). */
  readonly ddbRequestsByFunction: Readonly<Record<string, number>>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly world?: Omit<DrillWorldOptions, 'onLine' | 'seed'>;
  run(world: DrillWorld): Promise<DrillOutcome>;
}
