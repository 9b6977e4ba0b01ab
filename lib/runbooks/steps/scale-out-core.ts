import { formatScaleOutMarker, parseScaleOutMarker, TAG_SCALE_OUT } from '../markers.js';
import type { ActionRecord, StepContext, StepResult } from '../step.js';
import { act, changed, result } from '../step.js';

/** What scale-out needs from an ECS service or an Auto Scaling group. */
export interface ScalableTarget {
  /** e.g. `ecs:service/prod/orders`. */
  readonly target: string;
  readonly setApi: string;
  readonly tagApi: string;
  read(): Promise<{ desired: number; hardMax: number; tags: Readonly<Record<string, string>> }>;
  setDesired(count: number): Promise<void>;
  tag(value: string): Promise<void>;
}

export interface ScaleOutDetail {
  readonly from: number;
  readonly to: number;
  /** Set when nothing was changed, saying why. */
  readonly reason?: string;
}

/**
 * Scale out by `by`, bounded by `max` (and the target's own hard maximum). The absolute target is written to a
 * marker tag before the desired count is set, so a re-run re-applies the same absolute value instead of adding
 * `by` again.
 */
export async function scaleOut(
  kind: string,
  target: ScalableTarget,
  by: number,
  max: number,
  ctx: StepContext,
): Promise<StepResult<ScaleOutDetail>> {
  const state = await target.read();
  const marker = parseScaleOutMarker(state.tags[TAG_SCALE_OUT]);
  const actions: ActionRecord[] = [];
  if (marker && marker.stepKey === ctx.stepKey && !marker.undone) {
    const undo = { from: marker.from, to: marker.to };
    if (state.desired >= marker.to) {
      return result(kind, ctx, { outcome: 'already-applied', undo, detail: undo });
    }
    // An earlier attempt wrote the marker but its desired-count call did not land (or was undone by hand).
    await act(
      ctx,
      actions,
      { api: target.setApi, target: target.target, params: { desired: marker.to } },
      () => target.setDesired(marker.to),
    );
    return result(kind, ctx, {
      outcome: changed(ctx),
      actions,
      undo: ctx.dryRun ? null : undo,
      detail: undo,
    });
  }
  const to = Math.min(state.desired + by, max, state.hardMax);
  if (to <= state.desired) {
    return result(kind, ctx, {
      outcome: 'nothing-to-do',
      detail: {
        from: state.desired,
        to: state.desired,
        reason: `already at the bound (${Math.min(max, state.hardMax)})`,
      },
    });
  }
  const undo = { from: state.desired, to };
  const markerValue = formatScaleOutMarker({ stepKey: ctx.stepKey, ...undo, undone: false });
  await act(
    ctx,
    actions,
    { api: target.tagApi, target: target.target, params: { [TAG_SCALE_OUT]: markerValue } },
    () => target.tag(markerValue),
  );
  await act(ctx, actions, { api: target.setApi, target: target.target, params: { desired: to } }, () =>
    target.setDesired(to),
  );
  return result(kind, ctx, { outcome: changed(ctx), actions, undo: ctx.dryRun ? null : undo, detail: undo });
}

/**
 * Scale back to where this step started — only if the count is still what this step set; a count someone else
 * changed since is left alone. The desired count is set before the marker says `undone`, so a crash in between
 * is finished by the re-run.
 */
export async function scaleBack(
  kind: string,
  target: ScalableTarget,
  ctx: StepContext,
): Promise<StepResult<ScaleOutDetail>> {
  const state = await target.read();
  const marker = parseScaleOutMarker(state.tags[TAG_SCALE_OUT]);
  const actions: ActionRecord[] = [];
  if (!marker || marker.stepKey !== ctx.stepKey) {
    return result(kind, ctx, {
      outcome: 'nothing-to-do',
      detail: {
        from: state.desired,
        to: state.desired,
        reason: 'no scale-out by this step is recorded on the target',
      },
    });
  }
  const span = { from: marker.to, to: marker.from };
  if (marker.undone) return result(kind, ctx, { outcome: 'already-applied', detail: span });
  const undoneValue = formatScaleOutMarker({ ...marker, undone: true });
  if (state.desired !== marker.to && state.desired !== marker.from) {
    return result(kind, ctx, {
      outcome: 'nothing-to-do',
      detail: {
        ...span,
        reason: `desired count changed since the scale-out (now ${state.desired}); left as is`,
      },
    });
  }
  if (state.desired === marker.to) {
    await act(
      ctx,
      actions,
      { api: target.setApi, target: target.target, params: { desired: marker.from } },
      () => target.setDesired(marker.from),
    );
  }
  await act(
    ctx,
    actions,
    { api: target.tagApi, target: target.target, params: { [TAG_SCALE_OUT]: undoneValue } },
    () => target.tag(undoneValue),
  );
  return result(kind, ctx, {
    outcome: state.desired === marker.to ? changed(ctx) : 'already-applied',
    actions,
    detail: span,
  });
}
