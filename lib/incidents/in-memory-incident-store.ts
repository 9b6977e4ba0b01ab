import { IncidentNotFoundError, IncidentStatusConflictError } from './errors.js';
import { assertTransition, type Incident, type TimelineEntry, timelineKey } from './incident.js';
import type {
  AlarmObservation,
  Episode,
  IncidentStore,
  ResourceSnapshot,
  TransitionRequest,
  TransitionResult,
} from './incident-store.js';

interface ResourceState {
  version: number;
  lastEpisode?: Episode;
  lastRemediatedAt?: number;
}

/**
 * In-memory `IncidentStore` for unit tests of the pure logic (property runs need thousands of sequences). It
 * mirrors the DynamoDB adapter's conditions exactly, and each method's checks and writes happen without an
 * `await` in between, so concurrent calls interleave only where DynamoDB requests would. The contract suite
 * runs against both adapters. Not for production: nothing survives the process.
 *
 * @example
 * const store = new InMemoryIncidentStore();
 * const intake = new AlarmIntake({ store, starter });
 */
export class InMemoryIncidentStore implements IncidentStore {
  private readonly incidents = new Map<string, Incident>();
  private readonly timelines = new Map<string, Map<string, TimelineEntry>>();
  private readonly guards = new Map<string, string>();
  private readonly resources = new Map<string, ResourceState>();

  /** Every incident, for test assertions. */
  allIncidents(): Incident[] {
    return [...this.incidents.values()].map((i) => structuredClone(i));
  }

  async get(incidentId: string): Promise<Incident | undefined> {
    await tick();
    const incident = this.incidents.get(incidentId);
    return incident ? structuredClone(incident) : undefined;
  }

  async findOpen(resourceId: string): Promise<Incident | undefined> {
    await tick();
    const id = this.guards.get(resourceId);
    const incident = id !== undefined ? this.incidents.get(id) : undefined;
    return incident ? structuredClone(incident) : undefined;
  }

  async attachSuspects(incidentId: string, suspects: readonly unknown[], at: string): Promise<Incident> {
    await tick();
    const incident = this.require(incidentId);
    const next: Incident = {
      ...incident,
      suspects: structuredClone([...suspects]),
      suspectsAttachedAt: at,
      updatedAt: at,
      version: incident.version + 1,
    };
    this.incidents.set(incidentId, next);
    this.put(incidentId, { at, kind: 'suspects-attached', detail: { count: suspects.length } });
    return structuredClone(next);
  }

  async transition(incidentId: string, request: TransitionRequest): Promise<TransitionResult> {
    await tick();
    const incident = this.require(incidentId);
    if (!request.from.includes(incident.status)) {
      throw new IncidentStatusConflictError(incidentId, request.from, incident.status);
    }
    if (incident.status === request.to) {
      // A retried transition that already happened: re-assert the (idempotent) entry, change nothing else.
      this.put(incidentId, request.entry);
      return { incident: structuredClone(incident), previousStatus: incident.status };
    }
    assertTransition(incident.status, request.to);
    const frees = incident.holdsGuard && (request.to === 'RESOLVED' || request.to === 'ESCALATED');
    const next: Incident = {
      ...incident,
      status: request.to,
      holdsGuard: incident.holdsGuard && !frees,
      updatedAt: request.entry.at,
      version: incident.version + 1,
    };
    if (frees && this.guards.get(incident.resourceId) === incidentId) this.guards.delete(incident.resourceId);
    if (request.to === 'RESOLVED' && incident.remediation === 'auto') {
      const state = this.state(incident.resourceId);
      const at = Date.parse(request.entry.at);
      if (state.lastRemediatedAt === undefined || state.lastRemediatedAt < at) {
        this.resources.set(incident.resourceId, {
          ...state,
          lastRemediatedAt: at,
          version: state.version + 1,
        });
      }
    }
    this.incidents.set(incidentId, next);
    this.put(incidentId, request.entry);
    return { incident: structuredClone(next), previousStatus: incident.status };
  }

  async appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void> {
    await tick();
    this.require(incidentId);
    this.put(incidentId, entry);
  }

  async listTimeline(incidentId: string): Promise<TimelineEntry[]> {
    await tick();
    const entries = this.timelines.get(incidentId) ?? new Map<string, TimelineEntry>();
    return [...entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => structuredClone(e));
  }

  async loadResource(resourceId: string): Promise<ResourceSnapshot> {
    await tick();
    const state = this.resources.get(resourceId);
    const guardIncidentId = this.guards.get(resourceId);
    const incidentId = guardIncidentId ?? state?.lastEpisode?.incidentId;
    const incident = incidentId !== undefined ? this.incidents.get(incidentId) : undefined;
    return structuredClone({
      resourceId,
      version: state?.version ?? 0,
      ...(guardIncidentId !== undefined ? { guardIncidentId } : {}),
      ...(state?.lastEpisode ? { lastEpisode: state.lastEpisode } : {}),
      ...(state?.lastRemediatedAt !== undefined ? { lastRemediatedAt: state.lastRemediatedAt } : {}),
      ...(incident ? { incident } : {}),
    });
  }

  async createIncident(
    incident: Incident,
    options: { readonly expectedVersion: number; readonly episode: Episode; readonly entry: TimelineEntry },
  ): Promise<'created' | 'conflict'> {
    await tick();
    const state = this.state(incident.resourceId);
    if (state.version !== options.expectedVersion) return 'conflict';
    if (this.incidents.has(incident.incidentId)) return 'conflict';
    if (incident.holdsGuard && this.guards.has(incident.resourceId)) return 'conflict';
    this.incidents.set(incident.incidentId, structuredClone(incident));
    if (incident.holdsGuard) this.guards.set(incident.resourceId, incident.incidentId);
    this.resources.set(incident.resourceId, {
      ...state,
      lastEpisode: { ...options.episode },
      version: state.version + 1,
    });
    this.put(incident.incidentId, options.entry);
    return 'created';
  }

  async recordAlarm(
    incidentId: string,
    observation: AlarmObservation,
    options: {
      readonly resourceId: string;
      readonly expectedVersion: number;
      readonly episode?: Episode;
      readonly entry: TimelineEntry;
    },
  ): Promise<'recorded' | 'conflict'> {
    await tick();
    const incident = this.require(incidentId);
    const state = this.state(options.resourceId);
    if (options.episode && state.version !== options.expectedVersion) return 'conflict';
    if (options.episode) {
      this.resources.set(options.resourceId, {
        ...state,
        lastEpisode: { ...options.episode },
        version: state.version + 1,
      });
    }
    let updated = incident;
    if (observation.stateChangedAt > updated.alarmStateAt) {
      updated = { ...updated, alarmState: observation.state, alarmStateAt: observation.stateChangedAt };
    }
    // An earlier ALARM of the same episode that arrives late moves the fault's start back (MTTD is from it).
    if (observation.state === 'ALARM' && observation.stateChangedAt < updated.firstAlarmAt) {
      updated = { ...updated, firstAlarmAt: observation.stateChangedAt };
    }
    if (updated !== incident) this.incidents.set(incidentId, { ...updated, version: incident.version + 1 });
    this.put(incidentId, options.entry);
    return 'recorded';
  }

  async markExecutionStarted(
    incidentId: string,
    options: { readonly at: string; readonly executionArn?: string },
  ): Promise<Incident> {
    await tick();
    const incident = this.require(incidentId);
    if (incident.executionStarted) return structuredClone(incident);
    const next: Incident = {
      ...incident,
      executionStarted: true,
      ...(options.executionArn !== undefined ? { executionArn: options.executionArn } : {}),
      updatedAt: options.at,
      version: incident.version + 1,
    };
    this.incidents.set(incidentId, next);
    this.put(incidentId, {
      at: options.at,
      kind: 'execution-started',
      detail: {
        executionName: incident.executionName,
        ...(options.executionArn ? { executionArn: options.executionArn } : {}),
      },
    });
    return structuredClone(next);
  }

  private require(incidentId: string): Incident {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(incidentId);
    return incident;
  }

  private state(resourceId: string): ResourceState {
    return this.resources.get(resourceId) ?? { version: 0 };
  }

  private put(incidentId: string, entry: TimelineEntry): void {
    let entries = this.timelines.get(incidentId);
    if (!entries) {
      entries = new Map();
      this.timelines.set(incidentId, entries);
    }
    entries.set(timelineKey(entry), structuredClone(entry));
  }
}

/** Yields once, as a network call would, so concurrent callers interleave between (not inside) operations. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
