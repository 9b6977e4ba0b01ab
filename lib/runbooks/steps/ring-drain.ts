import { z } from 'zod';
import type { RunbookPorts } from '../ports.js';
import type { ActionRecord, StepContext, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'ring.drain';

export const ringDrainParams = z.strictObject({
  /** The ring the node belongs to. */
  ringId: templatable(),
  /** The node to drain, usually `{{suspect}}`. */
  nodeId: templatable(),
});
export type RingDrainParams = z.infer<typeof ringDrainParams>;

export interface RingDrainDetail {
  readonly ringId: string;
  readonly nodeId: string;
  /** The ring's movement plan, as the ring module returned it (absent in dry-run: nothing was planned). */
  readonly movementPlan?: unknown;
}

/**
 * Drains a node from the consistent-hash ring: its keys move to their next owners, and the ring returns the
 * movement plan. Undo restores the node.
 *
 * @example
 * await runStep({ kind: 'ring.drain', params: { ringId: 'orders', nodeId: 'node-7' } }, ctx, { ring });
 */
export const ringDrainStep: StepDefinition<typeof KIND, RingDrainParams, RingDrainDetail> = {
  kind: KIND,
  description: 'Drain a node from a consistent-hash ring (returns the movement plan); undo restores it.',
  idempotency:
    'The ring treats draining a draining node as a no-op (empty plan, `changed: false`, reported as already-applied); the write is conditioned on the ring version and fenced by the lease token.',
  params: ringDrainParams,
  // The ring lives in the stack's own ring table, which the stack grants separately; no AWS action here.
  iam: () => [],
  async run(params, ctx, ports) {
    const result = await changeMembership('drain', params, ctx, ports);
    return { ...result, undo: ctx.dryRun ? null : { ringId: params.ringId, nodeId: params.nodeId } };
  },
  async undo(params, _undo, ctx, ports) {
    return changeMembership('restore', params, ctx, ports);
  },
};

/**
 * The ring module's results say `changed: false` when the ring already satisfied the change (a retried step);
 * read structurally, so this module does not depend on lib/ring. Any other shape counts as a change.
 */
function unchanged(plan: unknown): boolean {
  return typeof plan === 'object' && plan !== null && (plan as { changed?: unknown }).changed === false;
}

/** Drain (run) or restore (undo): one fenced ring write, reported as already-applied when nothing changed. */
async function changeMembership(
  operation: 'drain' | 'restore',
  params: RingDrainParams,
  ctx: StepContext,
  ports: RunbookPorts,
) {
  const ring = requirePort(ports, 'ring', KIND);
  const actions: ActionRecord[] = [];
  let movementPlan: unknown;
  const api = operation === 'drain' ? 'ring:Drain' : 'ring:Restore';
  await act(
    ctx,
    actions,
    { api, target: `ring/${params.ringId}/${params.nodeId}`, params: { ...params } },
    async () => {
      movementPlan = await ring[operation](params.ringId, params.nodeId, {
        resource: ctx.fence.resource,
        token: ctx.fence.token,
      });
    },
  );
  return result(KIND, ctx, {
    outcome: unchanged(movementPlan) ? 'already-applied' : changed(ctx),
    actions,
    detail: { ...params, ...(ctx.dryRun ? {} : { movementPlan }) },
  });
}
