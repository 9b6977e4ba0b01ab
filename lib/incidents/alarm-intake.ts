import type { AlarmStateChange } from '../alarms/index.js';
import { IncidentStatusConflictError, IncidentWriteConflictError } from './errors.js';
import type { ExecutionStarter } from './execution-starter.js';
import {
  executionNameFor,
  type Incident,
  type IncidentStatus,
  incidentIdFor,
  recoveryInputFor,
  startsExecution,
  type TimelineEntry,
} from './incident.js';
import type { IncidentStore } from './incident-store.js';
import { DEFAULT_INTAKE_CONFIG, type IntakeConfig } from './intake-config.js';
import { decideIntake, type IntakeDecision } from './intake-rules.js';

/** What intake did with one state change (the handler returns a list of these). */
export type IntakeAction =
  | 'opened'
  | 'escalated'
  | 'maintenance'
  | 'suppressed'
  | 'duplicate'
  | 'recorded'
  | 'resolved'
  | 'ignored';

export interface IntakeResult {
  readonly incidentId: string | null;
  readonly resourceId: string;
  readonly alarmName: string;
  readonly state: AlarmStateChange['state'];
  readonly action: IntakeAction;
  /** Set when this call started (or confirmed) the recovery execution. */
  readonly executionStarted?: boolean;
}

export interface AlarmIntakeOptions {
  readonly store: IncidentStore;
  readonly starter: ExecutionStarter;
  /** @default DEFAULT_INTAKE_CONFIG */
  readonly config?: IntakeConfig;
  /** Intake clock (epoch ms), used only for `openedAt`/timeline times, never for decisions. @default Date.now */
  readonly clock?: () => number;
  /** Attempts when conditional writes lose to concurrent intake of the same resource. @default 8 */
  readonly maxAttempts?: number;
}

const OPEN_ACTIONS: Record<
  Extract<IncidentStatus, 'OPEN' | 'ESCALATED' | 'MAINTENANCE' | 'SUPPRESSED'>,
  IntakeAction
> = {
  OPEN: 'opened',
  ESCALATED: 'escalated',
  MAINTENANCE: 'maintenance',
  SUPPRESSED: 'suppressed',
};

/**
 * Alarm intake: turns alarm state changes into incidents and recovery executions, exactly once per fault under
 * at-least-once, out-of-order delivery. Read the resource, decide with the pure rules (`decideIntake`), apply
 * with one conditional write, and on conflict read and decide again. After an OPEN (or cooldown-ESCALATED)
 * incident is written the recovery execution is started under a name derived from the incident id; `executionStarted` is recorded
 * only after StartExecution succeeded, so a redelivery after a failed start starts it.
 *
 * @example
 * const intake = new AlarmIntake({ store, starter });
 * for (const change of parseAlarmDelivery(event)) results.push(await intake.process(change));
 */
export class AlarmIntake {
  private readonly store: IncidentStore;
  private readonly starter: ExecutionStarter;
  private readonly config: IntakeConfig;
  private readonly clock: () => number;
  private readonly maxAttempts: number;

  constructor(options: AlarmIntakeOptions) {
    this.store = options.store;
    this.starter = options.starter;
    this.config = options.config ?? DEFAULT_INTAKE_CONFIG;
    this.clock = options.clock ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  async process(change: AlarmStateChange): Promise<IntakeResult> {
    const base = { resourceId: change.resourceId, alarmName: change.alarmName, state: change.state };
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const snapshot = await this.store.loadResource(change.resourceId);
      const decision = decideIntake(change, snapshot, this.config);
      const outcome = await this.apply(change, decision, snapshot.version);
      if (outcome === 'conflict') continue;
      return { ...base, ...outcome };
    }
    throw new IncidentWriteConflictError(
      `intake of ${change.alarmName} for ${change.resourceId} lost ${this.maxAttempts} conditional writes in a row`,
    );
  }

  private async apply(
    change: AlarmStateChange,
    decision: IntakeDecision,
    version: number,
  ): Promise<'conflict' | Omit<IntakeResult, 'resourceId' | 'alarmName' | 'state'>> {
    switch (decision.kind) {
      case 'ignore':
        return { incidentId: decision.incidentId ?? null, action: 'ignored' };
      case 'open': {
        const incident = this.newIncident(change, decision);
        const created = await this.store.createIncident(incident, {
          expectedVersion: version,
          episode: { incidentId: incident.incidentId, ...decision.episode },
          entry: {
            at: incident.openedAt,
            kind: 'opened',
            detail: { status: incident.status, remediation: incident.remediation, ...alarmDetail(change) },
          },
        });
        if (created === 'conflict') return 'conflict';
        const started = startsExecution(incident.remediation) ? await this.ensureExecution(incident) : false;
        return {
          incidentId: incident.incidentId,
          action: OPEN_ACTIONS[decision.status],
          executionStarted: started,
        };
      }
      case 'join':
      case 'record': {
        const recorded = await this.store.recordAlarm(
          decision.incidentId,
          { state: change.state, stateChangedAt: change.stateChangedAt },
          {
            resourceId: change.resourceId,
            expectedVersion: version,
            ...(decision.kind === 'join' && decision.episode ? { episode: decision.episode } : {}),
            entry: alarmEntry(change),
          },
        );
        if (recorded === 'conflict') return 'conflict';
        // A redelivery is what finishes an intake that crashed (or failed to start) after writing the incident.
        const incident = await this.store.get(decision.incidentId);
        const started =
          incident && needsExecution(incident) ? await this.ensureExecution(incident) : undefined;
        const action = decision.kind === 'join' ? decision.action : 'recorded';
        return {
          incidentId: decision.incidentId,
          action,
          ...(started !== undefined ? { executionStarted: started } : {}),
        };
      }
      case 'resolve': {
        try {
          await this.store.transition(decision.incident.incidentId, {
            from: [decision.incident.status],
            to: 'RESOLVED',
            entry: {
              at: new Date(this.clock()).toISOString(),
              kind: 'resolved',
              detail: { by: 'alarm-ok', ...alarmDetail(change) },
            },
          });
        } catch (error) {
          if (error instanceof IncidentStatusConflictError) return 'conflict';
          throw error;
        }
        await this.store.recordAlarm(
          decision.incident.incidentId,
          { state: change.state, stateChangedAt: change.stateChangedAt },
          { resourceId: change.resourceId, expectedVersion: version, entry: alarmEntry(change) },
        );
        return { incidentId: decision.incident.incidentId, action: 'resolved' };
      }
    }
  }

  private newIncident(
    change: AlarmStateChange,
    decision: Extract<IntakeDecision, { kind: 'open' }>,
  ): Incident {
    const incidentId = incidentIdFor(change.resourceId, change.alarmArn, change.stateChangedAt);
    const now = new Date(this.clock()).toISOString();
    return {
      incidentId,
      resourceId: change.resourceId,
      status: decision.status,
      remediation: decision.remediation,
      alarmName: change.alarmName,
      alarmArn: change.alarmArn,
      account: change.account,
      region: change.region,
      ...(change.namespace !== undefined ? { namespace: change.namespace } : {}),
      ...(change.metricName !== undefined ? { metricName: change.metricName } : {}),
      dimensions: change.dimensions,
      reason: change.reason,
      firstAlarmAt: change.stateChangedAt,
      alarmState: change.state,
      alarmStateAt: change.stateChangedAt,
      openedAt: now,
      updatedAt: now,
      holdsGuard: decision.holdsGuard,
      executionName: executionNameFor(incidentId),
      executionStarted: false,
      version: 1,
    };
  }

  /** Starts (or confirms) the recovery execution and records it. Returns true once it is known to exist. */
  private async ensureExecution(incident: Incident): Promise<boolean> {
    const result = await this.starter.start({
      name: incident.executionName,
      input: recoveryInputFor(incident),
    });
    await this.store.markExecutionStarted(incident.incidentId, {
      at: new Date(this.clock()).toISOString(),
      ...(result.kind === 'started' ? { executionArn: result.executionArn } : {}),
    });
    return true;
  }
}

const needsExecution = (incident: Incident): boolean =>
  startsExecution(incident.remediation) && !incident.executionStarted && incident.status !== 'RESOLVED';

const alarmDetail = (change: AlarmStateChange): Record<string, unknown> => ({
  alarmName: change.alarmName,
  state: change.state,
  previousState: change.previousState,
  stateChangedAt: new Date(change.stateChangedAt).toISOString(),
  reason: change.reason,
});

/**
 * The timeline entry of an alarm observation is stamped with CloudWatch's time and carries nothing
 * delivery-specific, so every delivery of one change produces the same entry (stored once).
 */
const alarmEntry = (change: AlarmStateChange): TimelineEntry => ({
  at: new Date(change.stateChangedAt).toISOString(),
  kind: `alarm-${change.state.toLowerCase().replace(/_/g, '-')}`,
  detail: alarmDetail(change),
});
