export {
  AlarmIntake,
  type AlarmIntakeOptions,
  type IntakeAction,
  type IntakeResult,
} from './alarm-intake.js';
export {
  ExecutionStartFailedError,
  IncidentConfigError,
  IncidentError,
  IncidentNotFoundError,
  IncidentStatusConflictError,
  IncidentStoreError,
  IncidentWriteConflictError,
  InvalidIncidentTransitionError,
} from './errors.js';
export type { ExecutionStarter, StartExecutionResult } from './execution-starter.js';
export { InMemoryIncidentStore } from './in-memory-incident-store.js';
export {
  assertTransition,
  canTransition,
  executionNameFor,
  GUARDED_STATUSES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentStatus,
  incidentIdFor,
  type RecoveryInput,
  type Remediation,
  recoveryInputFor,
  startsExecution,
  type TimelineEntry,
  timelineKey,
} from './incident.js';
export type {
  AlarmObservation,
  Episode,
  IncidentStore,
  ResourceSnapshot,
  TransitionRequest,
  TransitionResult,
} from './incident-store.js';
export {
  DEFAULT_INTAKE_CONFIG,
  type IntakeConfig,
  intakeConfigFromEnv,
  type MaintenanceWindow,
} from './intake-config.js';
export { decideIntake, type IntakeDecision, inMaintenance } from './intake-rules.js';
