import { z } from 'zod';
import { STEP_KEY_PATTERN } from './markers.js';

/**
 * The input a runbook-step Lambda handler receives from the workflow, as plain JSON. The handler builds the fence
 * (`assertFence`) from `fence` with the lease module and calls `runStep` / `undoStep`.
 *
 * @example
 * const input = runbookStepInputSchema.parse(event);
 * const ctx = { fence: leaseFence(input.fence), dryRun: input.dryRun, stepKey: input.stepKey, startedAtMs: input.startedAtMs };
 * return input.undo === undefined ? runStep(input.step, ctx, ports) : undoStep(input.step, input.undo, ctx, ports);
 */
export const runbookStepInputSchema = z.strictObject({
  step: z.strictObject({ kind: z.string().min(1), params: z.record(z.string(), z.unknown()) }),
  stepKey: z.string().regex(STEP_KEY_PATTERN, 'letters, digits and _.:/=+@- only, at most 128'),
  /** Epoch ms, or an ISO timestamp such as `$$.State.EnteredTime`. */
  startedAtMs: z.union([
    z.number().finite(),
    z.iso.datetime({ offset: true }).transform((t) => Date.parse(t)),
  ]),
  dryRun: z.boolean().default(false),
  fence: z.strictObject({ resource: z.string().min(1), token: z.int().min(0) }),
  /** Present (object or null) to undo instead of run: the `undo` field of the run's result. */
  undo: z.record(z.string(), z.unknown()).nullable().optional(),
});

export type RunbookStepInput = z.output<typeof runbookStepInputSchema>;
