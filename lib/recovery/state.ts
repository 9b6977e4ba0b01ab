import type { Lease, Observation } from '../leases/index.js';
import type { PlannedRunbook } from '../runbooks/plan.js';
import type { StoredSuspect } from '../suspects/index.js';

/**
 * The recovery execution's state as Step Functions carries it: the workflow input plus one field per step
 * (each task's ResultPath). Plain JSON.
 */
export interface RecoveryState {
  readonly incidentId: string;
  readonly resourceId: string;
  readonly alarmName: string;
  readonly namespace?: string | null;
  readonly metricName?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly openedAt?: string;
  readonly context?: BeginResult;
  readonly lease?: AcquireOutcome;
  readonly plan?: PlanResult;
  readonly cursor?: Cursor;
  readonly verify?: VerifyResult;
  readonly decision?: EscalationDecision;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface BeginResult {
  readonly suspects: readonly StoredSuspect[];
  readonly dryRun: boolean;
}

export type AcquireOutcome =
  | {
      readonly kind: 'acquired';
      readonly lease: Lease;
      /** The blast-radius slot held alongside the resource lease. */
      readonly slot: Lease;
      readonly attempts: number;
      readonly waitSeconds: 0;
    }
  | {
      readonly kind: 'held';
      readonly holder: string;
      /** Kept while waiting for a slot, so nobody else starts on this resource meanwhile. */
      readonly lease?: Lease;
      readonly observation?: Observation;
      readonly slotObservations?: readonly Observation[];
      readonly attempts: number;
      readonly waitSeconds: number;
    }
  | { readonly kind: 'gaveUp'; readonly holder: string; readonly attempts: number; readonly waitSeconds: 0 }
  /**
   * Under the lease, the incident turned out to be resolved already (another execution for the same resource
   * recovered it while this one waited): this execution joins that outcome and acts no further. Nothing is held.
   */
  | {
      readonly kind: 'settled';
      readonly status: 'RESOLVED';
      readonly token: number;
      readonly attempts: number;
      readonly waitSeconds: 0;
    };

export interface PlanResult {
  readonly runbooks: readonly PlannedRunbook[];
  readonly epoch: number;
  readonly proposerId: string;
  readonly adopted: boolean;
  /** Bumped each time the plan step runs (first run, or after an escalation), so steps restart cleanly. */
  readonly round: number;
  /** Runbook to start this round with. */
  readonly startRunbook: number;
  /** When the plan was decided (epoch ms): the start time of the round's first step. */
  readonly decidedAtMs: number;
}

export interface Cursor {
  readonly round: number;
  readonly runbookIndex: number;
  /** Next step to run within the runbook. */
  readonly stepIndex: number;
  readonly runbookDone: boolean;
  /** No runbook is left to try. */
  readonly exhausted: boolean;
  /** Wait before calling the same step again (multi-phase steps); 0 otherwise. */
  readonly waitSeconds: number;
  /**
   * When the current step was first started (epoch ms), fixed before it runs so retries of the step see the same
   * value (steps use it to recognise their own earlier work, e.g. an ECS deployment).
   */
  readonly stepStartedAtMs: number;
  /** The lease as renewed by this step. */
  readonly lease?: Lease;
  readonly last?: { readonly kind: string; readonly outcome: string; readonly actions: number };
}

export interface VerifyResult {
  readonly status: 'recovered' | 'pending' | 'failed';
  readonly round: number;
  readonly runbookIndex: number;
  readonly checks: number;
  readonly waitSeconds: number;
  readonly alarmState: string;
  /** CloudWatch's timestamp of the OK state, epoch ms (when recovered). */
  readonly alarmOkAt?: number;
  /** Consecutive checks so far that found the alarm OK. */
  readonly okStreak?: number;
  readonly lease?: Lease;
}

export interface EscalationDecision {
  readonly decision: 'retry' | 'runbook' | 'close';
  /** With `runbook`: the planned runbook id (`rule/runbook`) to run. */
  readonly runbook?: string;
  readonly by?: string;
}
