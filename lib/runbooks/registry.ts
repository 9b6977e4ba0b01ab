import type { z } from 'zod';
import { InvalidStepParamsError, RunbookError, UndoNotSupportedError } from './errors.js';
import { STEP_KEY_PATTERN } from './markers.js';
import type { RunbookPorts } from './ports.js';
import type { StepContext, StepResult } from './step.js';
import { result } from './step.js';
import { autoScalingReplaceInstanceStep } from './steps/autoscaling-replace-instance.js';
import { autoScalingScaleOutStep } from './steps/autoscaling-scale-out.js';
import { ec2RebootStep } from './steps/ec2-reboot.js';
import { ec2StopStartStep } from './steps/ec2-stop-start.js';
import { ecsForceDeploymentStep } from './steps/ecs-force-deployment.js';
import { ecsScaleOutStep } from './steps/ecs-scale-out.js';
import { lambdaAliasRollbackStep } from './steps/lambda-alias-rollback.js';
import { lambdaInvokeStep } from './steps/lambda-invoke.js';
import { ringDrainStep } from './steps/ring-drain.js';
import { isTemplated } from './template.js';

/**
 * Every step kind, by the name rules and the workflow use. Names are API (they appear in user configs).
 *
 * @example
 * stepRegistry['ecs.scaleOut'].idempotency; // how re-running it stays safe
 */
export const stepRegistry = {
  'ring.drain': ringDrainStep,
  'ecs.forceNewDeployment': ecsForceDeploymentStep,
  'ecs.scaleOut': ecsScaleOutStep,
  'ec2.reboot': ec2RebootStep,
  'ec2.stopStart': ec2StopStartStep,
  'autoscaling.replaceInstance': autoScalingReplaceInstanceStep,
  'autoscaling.scaleOut': autoScalingScaleOutStep,
  'lambda.rollbackAlias': lambdaAliasRollbackStep,
  'lambda.invoke': lambdaInvokeStep,
} as const;

export type StepKind = keyof typeof stepRegistry;
export const stepKinds = Object.keys(stepRegistry) as StepKind[];

/** Parameters of each kind after validation (defaults applied). */
export type StepParams<K extends StepKind> = z.output<(typeof stepRegistry)[K]['params']>;

/** A step as it appears in rules and in a planned runbook: its kind and parameters. */
export type RunbookStepSpec = {
  [K in StepKind]: { readonly kind: K; readonly params: StepParams<K> };
}[StepKind];

export function isStepKind(kind: string): kind is StepKind {
  return Object.hasOwn(stepRegistry, kind);
}

/** True when the kind has an undo (`ring.drain`, scale-outs, `lambda.rollbackAlias`, `lambda.invoke`). */
export function hasUndo(kind: StepKind): boolean {
  return 'undo' in stepRegistry[kind];
}

function definition(kind: string) {
  if (!isStepKind(kind)) {
    throw new InvalidStepParamsError(`Unknown step kind "${kind}"`, [
      `expected one of ${stepKinds.join(', ')}`,
    ]);
  }
  return stepRegistry[kind];
}

function parseParams(kind: StepKind, params: unknown): Record<string, unknown> {
  const parsed = stepRegistry[kind].params.safeParse(params);
  if (!parsed.success) {
    throw new InvalidStepParamsError(
      `Invalid parameters for ${kind}`,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`),
    );
  }
  const unresolved = templatedPaths(parsed.data);
  if (unresolved.length > 0) {
    throw new InvalidStepParamsError(
      `Unresolved templates in ${kind} (resolve with planFor first)`,
      unresolved,
    );
  }
  return parsed.data as Record<string, unknown>;
}

function templatedPaths(value: unknown, path = 'params'): string[] {
  if (typeof value === 'string') return isTemplated(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => templatedPaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => templatedPaths(v, `${path}.${k}`));
  }
  return [];
}

function checkContext(ctx: StepContext): void {
  if (!STEP_KEY_PATTERN.test(ctx.stepKey)) {
    throw new InvalidStepParamsError('Invalid step context', [
      `stepKey "${ctx.stepKey}" must match ${STEP_KEY_PATTERN} (it is written into AWS tags)`,
    ]);
  }
  if (!Number.isFinite(ctx.startedAtMs)) {
    throw new InvalidStepParamsError('Invalid step context', ['startedAtMs must be epoch milliseconds']);
  }
}

/**
 * Validates and runs one step. Errors: `InvalidStepParamsError` (bad kind, params or context),
 * `MissingRunbookPortError`, the fence's own error when the lease is lost (no change made),
 * `TransientRunbookError` (retry), `RunbookStepFailedError` / `RunbookTargetNotFoundError` (next runbook).
 *
 * @example
 * const r = await runStep(
 *   { kind: 'ecs.forceNewDeployment', params: { cluster: 'prod', service: 'orders' } },
 *   { fence, dryRun: false, stepKey: 'exec-1:0:0', startedAtMs: Date.parse(enteredTime) },
 *   { ecs: new EcsRunbookAdapter(new ECSClient({})) },
 * );
 * if (!r.complete) { wait, then call again with the same stepKey }
 */
export async function runStep(
  step: { readonly kind: string; readonly params: unknown },
  ctx: StepContext,
  ports: RunbookPorts,
): Promise<StepResult> {
  const def = definition(step.kind);
  checkContext(ctx);
  const params = parseParams(def.kind, step.params);
  // Each definition's run takes its own params type; parseParams has validated them against that schema.
  return (def.run as (p: unknown, c: StepContext, ports: RunbookPorts) => Promise<StepResult>)(
    params,
    ctx,
    ports,
  );
}

/**
 * Undoes a step, given the `undo` data of its result. Same `stepKey` as the run (markers are matched by it).
 * A result with `undo: null` (nothing changed) yields `nothing-to-do`; a kind without undo throws
 * `UndoNotSupportedError`.
 *
 * @example
 * if (r.undo) await undoStep(step, r.undo, ctx, ports);
 */
export async function undoStep(
  step: { readonly kind: string; readonly params: unknown },
  undo: Readonly<Record<string, unknown>> | null,
  ctx: StepContext,
  ports: RunbookPorts,
): Promise<StepResult> {
  const def = definition(step.kind);
  if (!('undo' in def)) throw new UndoNotSupportedError(`Step ${def.kind} has no undo`);
  checkContext(ctx);
  const params = parseParams(def.kind, step.params);
  if (undo === null) {
    return result(def.kind, ctx, {
      outcome: 'nothing-to-do',
      detail: { reason: 'the step changed nothing' },
    });
  }
  const run = def.undo as unknown as (
    p: unknown,
    u: Readonly<Record<string, unknown>>,
    c: StepContext,
    ports: RunbookPorts,
  ) => Promise<StepResult>;
  if (typeof run !== 'function') throw new RunbookError(`Step ${def.kind}: undo is not a function`);
  return run(params, undo, ctx, ports);
}
