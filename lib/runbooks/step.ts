import type { z } from 'zod';
import type { FenceContext } from './fence.js';
import type { RunbookPorts } from './ports.js';

/** Everything a step needs besides its parameters and ports. Plain data except the fence. */
export interface StepContext {
  readonly fence: FenceContext;
  /** Record what would be done; make no change. Reads still happen, so the record reflects the real target. */
  readonly dryRun: boolean;
  /**
   * Identifies this step within this execution and stays the same across retries and re-entries (e.g.
   * `${executionName}:${runbookIndex}:${stepIndex}`). Steps write it into markers (tags, alias description) so a
   * re-run recognises its own earlier work. Letters, digits and `_.:/=+@#-`, at most 128 characters.
   */
  readonly stepKey: string;
  /**
   * When this step was first started, epoch ms on the AWS side (e.g. the runbook state's `$$.State.EnteredTime`).
   * Stable across retries; `ecs.forceNewDeployment` treats a deployment created since then as its own.
   */
  readonly startedAtMs: number;
}

/** One AWS (or ring) call a step made or, in dry-run, would make. */
export interface ActionRecord {
  /** IAM-style action name, e.g. `ecs:UpdateService`, `ring:Drain`. */
  readonly api: string;
  /** What it acts on: an ARN-like id, e.g. `ecs:service/prod/orders`, `ec2:instance/i-0abc`. */
  readonly target: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** False in dry-run: recorded, not performed. */
  readonly performed: boolean;
}

/**
 * - `applied`: this invocation changed the target.
 * - `already-applied`: an earlier invocation with the same stepKey (or an equivalent change) already did it.
 * - `would-apply`: dry-run; `actions` lists what would have been done.
 * - `in-progress`: a multi-phase step advanced one phase; call it again later (`complete` is false).
 * - `nothing-to-do`: the target needs no change (e.g. already at its maximum size).
 */
export type StepOutcome = 'applied' | 'already-applied' | 'would-apply' | 'in-progress' | 'nothing-to-do';

/** What a step returns. JSON-serializable, so it can go straight into a Step Functions state and the timeline. */
export interface StepResult<Detail = unknown> {
  readonly kind: string;
  readonly stepKey: string;
  readonly dryRun: boolean;
  readonly outcome: StepOutcome;
  /** False only for multi-phase steps (`ec2.stopStart`) that need another call after a wait. */
  readonly complete: boolean;
  readonly actions: readonly ActionRecord[];
  /** Plain data that `undoStep` needs; `null` when the step has no undo or nothing was changed. */
  readonly undo: Readonly<Record<string, unknown>> | null;
  readonly detail: Detail;
  /** The fencing token the step acted under (for the timeline). */
  readonly fenceToken: number;
}

/** An IAM policy statement as plain data: the stack turns each into a `PolicyStatement`. */
export interface IamStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Why a resource is `*` or wildcarded, when it is: the text for a cdk-nag acknowledgement. */
  readonly reason?: string;
}

/** Partition, region and account used to form ARNs. CDK tokens (`Stack.of(this).account`) work here. */
export interface ArnEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The definition of one step kind: its parameters, its IAM needs, and how it runs and undoes. */
export interface StepDefinition<Kind extends string, Params, Detail> {
  readonly kind: Kind;
  readonly description: string;
  /** How re-running an already-applied step stays safe (documentation, also in README). */
  readonly idempotency: string;
  readonly params: z.ZodType<Params>;
  /** Statements needed to run (and undo) the step; template parts of names become `*` in ARNs. */
  iam(params: Params, env: ArnEnv): IamStatement[];
  run(params: Params, ctx: StepContext, ports: RunbookPorts): Promise<StepResult<Detail>>;
  undo?: (
    params: Params,
    undo: Readonly<Record<string, unknown>>,
    ctx: StepContext,
    ports: RunbookPorts,
  ) => Promise<StepResult>;
}

/** Builds results with the bookkeeping fields filled in. */
export function result<Detail>(
  kind: string,
  ctx: StepContext,
  fields: {
    outcome: StepOutcome;
    complete?: boolean;
    actions?: ActionRecord[];
    undo?: Record<string, unknown> | null;
    detail: Detail;
  },
): StepResult<Detail> {
  return {
    kind,
    stepKey: ctx.stepKey,
    dryRun: ctx.dryRun,
    outcome: fields.outcome,
    complete: fields.complete ?? true,
    actions: fields.actions ?? [],
    undo: fields.undo ?? null,
    detail: fields.detail,
    fenceToken: ctx.fence.token,
  };
}

/**
 * Runs one side effect the fenced way: asserts the fence immediately before the call (so a lost lease means no
 * change), then performs and records it — or, in dry-run, only records it.
 */
export async function act(
  ctx: StepContext,
  actions: ActionRecord[],
  record: Omit<ActionRecord, 'performed'>,
  effect: () => Promise<unknown>,
): Promise<void> {
  // Dry-run asserts the fence too: a rehearsal should fail where the real run would.
  await ctx.fence.assertFence();
  if (ctx.dryRun) {
    actions.push({ ...record, performed: false });
    return;
  }
  await effect();
  actions.push({ ...record, performed: true });
}

/** `applied` or, in dry-run, `would-apply`. */
export function changed(ctx: StepContext): StepOutcome {
  return ctx.dryRun ? 'would-apply' : 'applied';
}
