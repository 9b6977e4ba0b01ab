import { isDeepStrictEqual } from 'node:util';
import type { RunbookPorts } from '../../../../lib/runbooks/ports.js';
import type { StepContext, StepResult } from '../../../../lib/runbooks/step.js';
import { testFence, World } from './in-memory-ports.js';

/**
 * Checkers for the four properties every step promises. Each returns a list of problems (empty = property holds)
 * rather than asserting, so the suite can show that a deliberately broken step is caught.
 */
export interface Runner {
  run(ctx: StepContext, ports: RunbookPorts): Promise<StepResult>;
  undo?(
    undo: Readonly<Record<string, unknown>> | null,
    ctx: StepContext,
    ports: RunbookPorts,
  ): Promise<StepResult>;
}

export interface Scenario {
  readonly name: string;
  setup(world: World): void;
  /** The state the step is meant to change (the undo check compares it, ignoring markers). */
  observe(world: World): unknown;
  /**
   * The step cannot tell a first application from a repeat (a user's function is opaque), so a re-run reports
   * `applied`; state and mutations are still checked.
   */
  readonly opaqueOutcome?: boolean;
}

export function context(fence = testFence(), overrides: Partial<StepContext> = {}): StepContext {
  return { fence, dryRun: false, stepKey: 'exec-1:0:0', startedAtMs: 1_764_000_000_000, ...overrides };
}

function fresh(scenario: Scenario): World {
  const world = new World();
  scenario.setup(world);
  return world;
}

/** Runs a (possibly multi-phase) step until it reports complete, letting EC2 transitions settle in between. */
export async function runToCompletion(runner: Runner, ctx: StepContext, world: World): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await runner.run(ctx, world.ports());
    results.push(r);
    if (r.complete) return results;
    world.settle();
  }
  throw new Error('step never completed');
}

export async function checkDryRun(runner: Runner, scenario: Scenario): Promise<string[]> {
  const world = fresh(scenario);
  const before = world.snapshot();
  const problems: string[] = [];
  const r = await runner.run(context(testFence(), { dryRun: true }), world.ports());
  if (world.mutations.length > 0) problems.push(`dry-run mutated: ${world.mutations.join(', ')}`);
  if (!isDeepStrictEqual(world.snapshot(), before)) problems.push('dry-run changed state');
  if (r.actions.some((a) => a.performed)) problems.push('dry-run reports a performed action');
  if (r.outcome === 'applied' || r.outcome === 'in-progress') problems.push(`dry-run outcome ${r.outcome}`);
  if (!r.dryRun) problems.push('result does not say dryRun');
  if (r.outcome === 'would-apply' && r.actions.length === 0)
    problems.push('would-apply without a recorded action');
  return problems;
}

export async function checkFenceRefusal(runner: Runner, scenario: Scenario): Promise<string[]> {
  const world = fresh(scenario);
  const before = world.snapshot();
  const fence = testFence();
  fence.lost = true;
  const problems: string[] = [];
  try {
    await runner.run(context(fence), world.ports());
    problems.push('ran although the fence was lost');
  } catch (error) {
    if ((error as Error).name !== 'LeaseLostError')
      problems.push(`threw ${(error as Error).name}, not the fence's error`);
  }
  if (world.mutations.length > 0) problems.push(`mutated behind a lost fence: ${world.mutations.join(', ')}`);
  if (!isDeepStrictEqual(world.snapshot(), before)) problems.push('state changed behind a lost fence');
  return problems;
}

export async function checkIdempotent(runner: Runner, scenario: Scenario): Promise<string[]> {
  const world = fresh(scenario);
  const ctx = context();
  const problems: string[] = [];
  const first = await runToCompletion(runner, ctx, world);
  if (!first.some((r) => r.outcome === 'applied' || r.outcome === 'in-progress')) {
    problems.push(`first run did not apply (${first.map((r) => r.outcome).join(', ')})`);
  }
  const after = world.snapshot();
  const count = world.mutations.length;
  const again = await runToCompletion(runner, ctx, world);
  if (world.mutations.length !== count) {
    problems.push(`re-run mutated again: ${world.mutations.slice(count).join(', ')}`);
  }
  if (!isDeepStrictEqual(world.snapshot(), after)) problems.push('re-run changed state');
  const last = again.at(-1);
  if (
    !scenario.opaqueOutcome &&
    last &&
    last.outcome !== 'already-applied' &&
    last.outcome !== 'nothing-to-do'
  ) {
    problems.push(`re-run outcome ${last.outcome}`);
  }
  return problems;
}

export async function checkUndo(runner: Runner, scenario: Scenario): Promise<string[]> {
  if (!runner.undo) return ['no undo'];
  const world = fresh(scenario);
  const ctx = context();
  const problems: string[] = [];
  const original = scenario.observe(world);
  const results = await runToCompletion(runner, ctx, world);
  const changed = scenario.observe(world);
  if (isDeepStrictEqual(changed, original)) problems.push('run changed nothing observable');
  const undoData = results.find((r) => r.undo !== null)?.undo ?? null;
  if (undoData === null) problems.push('run returned no undo data');
  await runner.undo(undoData, ctx, world.ports());
  if (!isDeepStrictEqual(scenario.observe(world), original)) {
    problems.push(
      `undo did not restore: ${JSON.stringify(scenario.observe(world))} vs ${JSON.stringify(original)}`,
    );
  }
  const count = world.mutations.length;
  const again = await runner.undo(undoData, ctx, world.ports());
  if (world.mutations.length !== count)
    problems.push(`second undo mutated: ${world.mutations.slice(count).join(', ')}`);
  if (!scenario.opaqueOutcome && again.outcome === 'applied') problems.push('second undo reports applied');
  return problems;
}
