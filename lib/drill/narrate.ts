import type { RecoveryState } from '../recovery/index.js';

/**
 * One line on what a recovery task found or did, read from the task's output in the execution history (the
 * state after its ResultPath), so the drill's timeline shows the workflow's own account of each step.
 */
export function narrateTask(stateName: string, output: unknown): string | undefined {
  const state = output as RecoveryState | null;
  if (!state || typeof state !== 'object') return undefined;
  switch (stateName) {
    case 'Begin': {
      const [top, next] = state.context?.suspects ?? [];
      if (!top) return 'no suspect from the logs yet';
      const evidence = (
        top.evidence as { templates?: Array<{ template: string; count: number; reason: string }> }
      )?.templates?.[0];
      const why = evidence ? `: ${evidence.count}× "${evidence.template}" (${evidence.reason})` : '';
      const runnerUp = next ? `; next ${next.id} (${next.score.toFixed(1)})` : '';
      return `top suspect ${top.id} (score ${top.score.toFixed(1)})${why}${runnerUp}`;
    }
    case 'Acquire': {
      const lease = state.lease;
      if (!lease) return undefined;
      if (lease.kind === 'acquired')
        return `lease on ${state.resourceId} taken, fencing token ${lease.lease.token}`;
      if (lease.kind === 'held') return `held by ${lease.holder}; waiting ${lease.waitSeconds} s`;
      return `lease not taken (${lease.kind})`;
    }
    case 'DecidePlan': {
      const plan = state.plan;
      if (!plan) return undefined;
      const [first, ...fallbacks] = plan.runbooks.map((r) => r.id);
      const chosen = plan.adopted ? `adopted ${plan.proposerId}'s plan` : 'own plan chosen';
      return `plan: ${first}${fallbacks.length ? `, then ${fallbacks.join(', ')}` : ''} (${chosen}, epoch ${plan.epoch})`;
    }
    case 'RunStep': {
      const last = state.cursor?.last;
      return last
        ? `${last.kind}: ${last.outcome} (${last.actions} action${last.actions === 1 ? '' : 's'})`
        : undefined;
    }
    case 'Verify': {
      const verify = state.verify;
      return verify ? `alarm ${verify.alarmState} → ${verify.status} (check ${verify.checks})` : undefined;
    }
    case 'Resolve':
      return 'incident RESOLVED';
    case 'MarkEscalated':
      return 'incident ESCALATED';
    default:
      return undefined;
  }
}
