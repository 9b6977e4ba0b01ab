import type { Ballots } from '../ballots/index.js';
import type { IncidentStore, TimelineEntry } from '../incidents/index.js';
import type { Lease, Leases, Semaphore } from '../leases/index.js';
import {
  fenceFromCheck,
  type PlannedRunbook,
  planFor,
  type RunbookPorts,
  type RunbookRules,
  runStep as runRunbookStep,
} from '../runbooks/index.js';
import type { LocalizerStore, StoredSuspect } from '../suspects/index.js';
import { currentLease } from './current-lease.js';
import { afterStep, cursorFor, nextRunbook, startRunbookFor } from './cursor.js';
import { InvalidWorkflowStateError, NoRunbookError, RemediationNotAllowedError } from './errors.js';
import type {
  AcquireOutcome,
  BeginResult,
  Cursor,
  PlanResult,
  RecoveryState,
  VerifyResult,
} from './state.js';
import { judgeVerification, type VerifyPolicy } from './verify-policy.js';

export interface RecoveryConfig {
  readonly leaseMs: number;
  /** At most this many recoveries act at once (semaphore capacity). */
  readonly blastRadiusLimit: number;
  /** The semaphore pool every recovery shares. */
  readonly poolName: string;
  readonly dryRun: boolean;
  /** Acquire attempts before giving up and escalating. */
  readonly maxLeaseWaits: number;
  readonly verify: VerifyPolicy;
}

export interface RecoveryDeps {
  readonly incidents: IncidentStore;
  readonly suspects: Pick<LocalizerStore, 'getSuspects'>;
  readonly leases: Leases;
  readonly semaphore: Semaphore;
  readonly ballots: Ballots;
  readonly rules: RunbookRules;
  readonly ports: RunbookPorts;
  readonly checkAlarm: (alarmName: string) => Promise<{ state: string; stateUpdatedAtMs?: number }>;
  readonly config: RecoveryConfig;
  readonly now: () => Date;
}

/** How long before the alarm a published suspect ranking still counts as evidence for this fault. */
export const SUSPECTS_MAX_AGE_MS = 15 * 60_000;

const entry = (deps: RecoveryDeps, kind: string, detail?: Record<string, unknown>): TimelineEntry => ({
  at: deps.now().toISOString(),
  kind,
  ...(detail ? { detail } : {}),
});

/**
 * Begin: the incident moves to RECOVERING and gets the localizer's latest suspects (enrichment). Incidents that
 * must not be auto-remediated (cooldown, maintenance) are refused here, which routes them to escalation.
 */
export async function begin(state: RecoveryState, deps: RecoveryDeps): Promise<BeginResult> {
  const incident = await deps.incidents.get(state.incidentId);
  if (!incident) throw new InvalidWorkflowStateError(`Incident ${state.incidentId} does not exist`);
  if (incident.status === 'RESOLVED') {
    // A second execution for an incident another one already recovered: nothing to start; Acquire (under the
    // lease) confirms it and the execution joins that outcome instead of acting again.
    await deps.incidents.appendTimeline(
      incident.incidentId,
      entry(deps, 'recovery-start-skipped', { status: 'RESOLVED' }),
    );
    return {
      suspects: ((incident.suspects ?? []) as StoredSuspect[]).slice(0, 5),
      dryRun: deps.config.dryRun,
    };
  }
  if (incident.remediation !== 'auto') {
    throw new RemediationNotAllowedError(
      `Incident ${incident.incidentId} is not auto-remediated: ${incident.remediation}`,
    );
  }
  let suspects = (incident.suspects ?? []) as StoredSuspect[];
  const latest = await deps.suspects.getSuspects(state.resourceId);
  // A ranking published long before this fault began speaks of an earlier one.
  const fresh = latest !== undefined && Date.parse(latest.at) >= incident.firstAlarmAt - SUSPECTS_MAX_AGE_MS;
  if (
    latest &&
    fresh &&
    latest.suspects.length > 0 &&
    (!incident.suspectsAttachedAt || latest.at > incident.suspectsAttachedAt)
  ) {
    suspects = latest.suspects;
    await deps.incidents.attachSuspects(incident.incidentId, suspects, latest.at);
  }
  await deps.incidents.transition(incident.incidentId, {
    from: ['OPEN', 'RECOVERING', 'ESCALATED'],
    to: 'RECOVERING',
    entry: entry(deps, 'recovery-started', {
      topSuspect: suspects[0]?.id ?? null,
      dryRun: deps.config.dryRun,
    }),
  });
  return { suspects: suspects.slice(0, 5), dryRun: deps.config.dryRun };
}

/**
 * Acquire: the resource lease, then a blast-radius slot. Contention is an answer with a wait, not an error; the
 * workflow's Wait state carries the observation so a holder that stopped renewing can be taken over.
 */
export async function acquire(
  state: RecoveryState,
  owner: string,
  deps: RecoveryDeps,
): Promise<AcquireOutcome> {
  const previous = state.lease;
  const attempts = (previous && previous.kind === 'held' ? previous.attempts : 0) + 1;
  if (attempts > deps.config.maxLeaseWaits) {
    // A resource lease kept while waiting for a blast-radius slot must not outlive the wait.
    if (previous?.kind === 'held' && previous.lease) await deps.leases.release(previous.lease);
    return {
      kind: 'gaveUp',
      holder: previous && 'holder' in previous ? previous.holder : 'unknown',
      attempts,
      waitSeconds: 0,
    };
  }
  let lease: Lease | undefined = previous?.kind === 'held' ? previous.lease : undefined;
  if (lease) {
    lease = await deps.leases.renew(lease);
  } else {
    const result = await deps.leases.acquire(state.resourceId, owner, deps.config.leaseMs, {
      ...(previous?.kind === 'held' && previous.observation ? { observation: previous.observation } : {}),
      // A retried invocation of this same attempt recognises its own write; the round keeps a new round's
      // acquisition (after an escalation) distinct from the first round's.
      nonce: `${owner}:${(state.plan?.round ?? 0) + 1}:${attempts}`,
    });
    if (result.kind === 'held') {
      return {
        kind: 'held',
        holder: result.holder,
        observation: result.observation,
        attempts,
        waitSeconds: Math.max(1, result.retryAfterSeconds),
      };
    }
    lease = result.lease;
    await deps.incidents.appendTimeline(
      state.incidentId,
      entry(deps, 'lease-acquired', { token: lease.token }),
    );
    // Checked under the lease: whoever held it before us has finished. If that was a recovery of this same
    // incident, acting again would apply the runbooks twice.
    const incident = await deps.incidents.get(state.incidentId);
    if (incident?.status === 'RESOLVED') {
      await deps.leases.release(lease);
      await deps.incidents.appendTimeline(
        state.incidentId,
        entry(deps, 'recovery-joined', { token: lease.token, status: incident.status }),
      );
      return { kind: 'settled', status: 'RESOLVED', token: lease.token, attempts, waitSeconds: 0 };
    }
  }
  const slot = await deps.semaphore.acquire(
    deps.config.poolName,
    owner,
    deps.config.blastRadiusLimit,
    deps.config.leaseMs,
    {
      ...(previous?.kind === 'held' && previous.slotObservations
        ? { observations: previous.slotObservations }
        : {}),
    },
  );
  if (slot.kind === 'held') {
    return {
      kind: 'held',
      holder: slot.holders.join(','),
      lease,
      slotObservations: slot.observations,
      attempts,
      waitSeconds: Math.max(1, slot.retryAfterSeconds),
    };
  }
  return { kind: 'acquired', lease, slot: slot.lease, attempts, waitSeconds: 0 };
}

/** DecidePlan: this execution proposes the rules' plan; the ballot makes every proposer run the same one. */
export async function decidePlan(
  state: RecoveryState,
  owner: string,
  deps: RecoveryDeps,
): Promise<PlanResult> {
  const lease = currentLease(state);
  const incident = await deps.incidents.get(state.incidentId);
  if (!incident) throw new InvalidWorkflowStateError(`Incident ${state.incidentId} does not exist`);
  const suspects = (state.context?.suspects ?? []).map((s) => ({ id: s.id, score: s.score }));
  const candidates = planFor(
    {
      alarmName: incident.alarmName,
      namespace: incident.namespace,
      dimensions: incident.dimensions,
      resource: incident.resourceId,
    },
    suspects,
    deps.rules,
  );
  if (candidates.length === 0)
    throw new NoRunbookError(`No runbook rule matches incident ${incident.incidentId}`);
  const decision = await deps.ballots.decide<readonly PlannedRunbook[]>(state.incidentId, {
    proposerId: owner,
    plan: candidates,
    epoch: lease.token,
  });
  const round = (state.plan?.round ?? 0) + 1;
  const startRunbook = startRunbookFor(
    decision.plan.map((r) => r.id),
    {
      ...(state.cursor ? { cursor: state.cursor } : {}),
      ...(state.decision ? { decision: state.decision } : {}),
    },
  );
  await deps.incidents.appendTimeline(
    state.incidentId,
    entry(deps, 'plan-decided', {
      runbooks: decision.plan.map((r) => r.id),
      proposer: decision.proposerId,
      adopted: decision.adopted,
      epoch: decision.epoch,
      round,
      startRunbook,
    }),
  );
  return {
    runbooks: decision.plan,
    epoch: decision.epoch,
    proposerId: decision.proposerId,
    adopted: decision.adopted,
    round,
    startRunbook,
    decidedAtMs: deps.now().getTime(),
  };
}

/** RunStep: one runbook step under the lease (renewed first), fenced by its token. */
export async function runStep(state: RecoveryState, owner: string, deps: RecoveryDeps): Promise<Cursor> {
  const plan = requirePlan(state);
  const lease = await deps.leases.renew(currentLease(state));
  const cursor = cursorFor(plan, state.cursor);
  const runbook = plan.runbooks[cursor.runbookIndex];
  const step = runbook?.steps[cursor.stepIndex];
  if (!runbook || !step) return { ...cursor, runbookDone: true, lease };
  const fence = fenceFromCheck(state.resourceId, lease.token, async () => {
    deps.leases.assertValid(lease);
    const record = await deps.leases.store.read({ resource: state.resourceId });
    return (
      record !== undefined && !record.released && record.token === lease.token && record.nonce === lease.nonce
    );
  });
  const stepKey = `${owner}:${plan.round}:${cursor.runbookIndex}:${cursor.stepIndex}`;
  const result = await runRunbookStep(
    step,
    { fence, dryRun: deps.config.dryRun, stepKey, startedAtMs: cursor.stepStartedAtMs },
    deps.ports,
  );
  await deps.incidents.appendTimeline(
    state.incidentId,
    entry(deps, 'runbook-step', {
      runbook: runbook.id,
      step: cursor.stepIndex,
      kind: result.kind,
      outcome: result.outcome,
      dryRun: result.dryRun,
      token: result.fenceToken,
      actions: result.actions.map((a) => ({ api: a.api, target: a.target, performed: a.performed })),
      detail: result.detail,
    }),
  );
  return {
    ...afterStep(plan, cursor, result.complete, deps.now().getTime()),
    lease,
    last: { kind: result.kind, outcome: result.outcome, actions: result.actions.length },
  };
}

/** Verify: re-checks the alarm; recovered, keep waiting, or this runbook failed. */
export async function verify(state: RecoveryState, deps: RecoveryDeps): Promise<VerifyResult> {
  const plan = requirePlan(state);
  const lease = await deps.leases.renew(currentLease(state));
  const cursor = cursorFor(plan, state.cursor);
  const alarm = await deps.checkAlarm(state.alarmName);
  const judged = judgeVerification(deps.config.verify, cursor, state.verify, alarm);
  if (judged.status !== 'pending') {
    await deps.incidents.appendTimeline(
      state.incidentId,
      entry(deps, judged.status === 'recovered' ? 'verified' : 'verification-failed', {
        runbook: plan.runbooks[cursor.runbookIndex]?.id,
        checks: judged.checks,
        alarmState: judged.alarmState,
      }),
    );
  }
  return { ...judged, lease };
}

/** NextRunbook: the verified runbook did not help; move to the plan's next one. */
export async function advanceRunbook(state: RecoveryState, deps: RecoveryDeps): Promise<Cursor> {
  const plan = requirePlan(state);
  const lease = await deps.leases.renew(currentLease(state));
  const next = nextRunbook(plan, cursorFor(plan, state.cursor), deps.now().getTime());
  await deps.incidents.appendTimeline(
    state.incidentId,
    entry(deps, next.exhausted ? 'runbooks-exhausted' : 'next-runbook', {
      runbook: plan.runbooks[next.runbookIndex]?.id ?? null,
    }),
  );
  return { ...next, lease };
}

/** Release: the slot and the lease; a lease already lost is reported, not an error (someone else has it now). */
export async function release(
  state: RecoveryState,
  deps: RecoveryDeps,
): Promise<{ lease: string; slot: string }> {
  const out = { lease: 'none', slot: 'none' };
  if (state.lease?.kind === 'acquired') {
    out.slot = (await deps.semaphore.release(state.lease.slot)).kind;
    out.lease = (await deps.leases.release(currentLease(state))).kind;
  } else if (state.lease?.kind === 'held' && state.lease.lease) {
    out.lease = (await deps.leases.release(state.lease.lease)).kind;
  }
  return out;
}

/** Resolve: the incident is RESOLVED, with the time CloudWatch saw the alarm back to OK. */
export async function resolve(state: RecoveryState, deps: RecoveryDeps): Promise<{ status: 'RESOLVED' }> {
  const plan = state.plan;
  await deps.incidents.transition(state.incidentId, {
    from: ['RECOVERING', 'RESOLVED'],
    to: 'RESOLVED',
    entry: entry(deps, 'resolved', {
      alarmOkAt: state.verify?.alarmOkAt ?? null,
      runbook: plan?.runbooks[state.cursor?.runbookIndex ?? 0]?.id ?? null,
      dryRun: deps.config.dryRun,
    }),
  });
  return { status: 'RESOLVED' };
}

/** MarkEscalated: a person closed it, or nobody answered in time. */
export async function markEscalated(
  state: RecoveryState,
  deps: RecoveryDeps,
): Promise<{ status: 'ESCALATED' }> {
  await deps.incidents.transition(state.incidentId, {
    from: ['OPEN', 'RECOVERING', 'ESCALATED'],
    to: 'ESCALATED',
    entry: entry(deps, 'escalated', {
      error: state.error?.Error ?? null,
      cause: state.error?.Cause?.slice(0, 500) ?? null,
      decision: state.decision?.decision ?? null,
    }),
  });
  return { status: 'ESCALATED' };
}

function requirePlan(state: RecoveryState): PlanResult {
  if (!state.plan)
    throw new InvalidWorkflowStateError('No plan in the workflow state: DecidePlan has not run');
  return state.plan;
}
