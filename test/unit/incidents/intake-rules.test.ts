import { describe, expect, it } from 'vitest';
import type { AlarmStateChange } from '../../../lib/alarms/index.js';
import {
  canTransition,
  DEFAULT_INTAKE_CONFIG,
  decideIntake,
  executionNameFor,
  IncidentConfigError,
  intakeConfigFromEnv,
  type ResourceSnapshot,
} from '../../../lib/incidents/index.js';
import { sampleIncident } from './incident-store-contract.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const W = DEFAULT_INTAKE_CONFIG.flapWindowMs;
const change = (
  state: AlarmStateChange['state'],
  at: number,
  extra: Partial<AlarmStateChange> = {},
): AlarmStateChange => ({
  shape: 'eventbridge',
  alarmName: 'CpuHigh',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:CpuHigh',
  account: '123456789012',
  region: 'us-east-1',
  alarmKind: 'metric',
  state,
  previousState: state === 'ALARM' ? 'OK' : 'ALARM',
  reason: 'r',
  stateChangedAt: at,
  dimensions: { InstanceId: 'i-1' },
  resourceId: 'InstanceId=i-1',
  ...extra,
});
const empty: ResourceSnapshot = { resourceId: 'InstanceId=i-1', version: 0 };

describe('decideIntake', () => {
  it('opens an auto-remediated incident for a first ALARM and ignores a first OK', () => {
    expect(decideIntake(change('ALARM', T0), empty, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'open',
      status: 'OPEN',
      remediation: 'auto',
      holdsGuard: true,
    });
    expect(decideIntake(change('OK', T0), empty, DEFAULT_INTAKE_CONFIG)).toEqual({
      kind: 'ignore',
      reason: 'no-incident',
    });
  });

  it('joins the open incident, widening the episode, and treats far-older alarms as stale', () => {
    const incident = sampleIncident({ resourceId: 'InstanceId=i-1', firstAlarmAt: T0 });
    const snapshot: ResourceSnapshot = {
      ...empty,
      version: 1,
      guardIncidentId: incident.incidentId,
      lastEpisode: { incidentId: incident.incidentId, firstAlarmAt: T0, lastAlarmAt: T0 },
      incident,
    };
    expect(decideIntake(change('ALARM', T0 + 1_000), snapshot, DEFAULT_INTAKE_CONFIG)).toEqual({
      kind: 'join',
      incidentId: incident.incidentId,
      action: 'duplicate',
      episode: { incidentId: incident.incidentId, firstAlarmAt: T0, lastAlarmAt: T0 + 1_000 },
    });
    expect(decideIntake(change('ALARM', T0), snapshot, DEFAULT_INTAKE_CONFIG)).toEqual({
      kind: 'join',
      incidentId: incident.incidentId,
      action: 'duplicate',
    });
    expect(decideIntake(change('ALARM', T0 - W - 1), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'stale',
    });
    expect(decideIntake(change('OK', T0 - 1), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'stale',
    });
    expect(decideIntake(change('INSUFFICIENT_DATA', T0 + 5), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'record',
    });
  });

  it('suppresses within the window of a closed episode and opens (or escalates on cooldown) after it', () => {
    const incident = sampleIncident({
      resourceId: 'InstanceId=i-1',
      firstAlarmAt: T0,
      status: 'RESOLVED',
      holdsGuard: false,
    });
    const snapshot: ResourceSnapshot = {
      ...empty,
      version: 3,
      lastEpisode: { incidentId: incident.incidentId, firstAlarmAt: T0, lastAlarmAt: T0 + 10_000 },
      lastRemediatedAt: T0 + 60_000,
      incident,
    };
    expect(decideIntake(change('ALARM', T0 + 10_000 + W), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'join',
      action: 'suppressed',
    });
    expect(decideIntake(change('ALARM', T0 + 10_001 + W), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      kind: 'open',
      status: 'ESCALATED',
      remediation: 'cooldown',
      holdsGuard: false,
    });
    const afterCooldown = T0 + 60_000 + DEFAULT_INTAKE_CONFIG.cooldownMs;
    expect(decideIntake(change('ALARM', afterCooldown), snapshot, DEFAULT_INTAKE_CONFIG)).toMatchObject({
      status: 'OPEN',
    });
  });

  it('applies maintenance windows by the alarm timestamp and honours CloudWatch action suppression', () => {
    const config = {
      ...DEFAULT_INTAKE_CONFIG,
      maintenanceWindows: [{ startsAt: T0, endsAt: T0 + 1_000, resources: ['CpuHigh'] }],
    };
    expect(decideIntake(change('ALARM', T0 + 999), empty, config)).toMatchObject({ status: 'MAINTENANCE' });
    expect(decideIntake(change('ALARM', T0 + 1_000), empty, config)).toMatchObject({ status: 'OPEN' });
    expect(
      decideIntake(change('ALARM', T0, { actionsSuppressedBy: 'Alarm' }), empty, DEFAULT_INTAKE_CONFIG),
    ).toMatchObject({
      status: 'SUPPRESSED',
    });
  });
});

describe('status graph and names', () => {
  it('never leaves RESOLVED and never returns to OPEN', () => {
    expect(canTransition('OPEN', 'RECOVERING')).toBe(true);
    expect(canTransition('RECOVERING', 'OPEN')).toBe(false);
    expect(canTransition('RESOLVED', 'RECOVERING')).toBe(false);
    expect(canTransition('ESCALATED', 'RECOVERING')).toBe(true);
  });

  it('derives valid Step Functions execution names', () => {
    expect(executionNameFor('inc-20260101T120000000Z-0123456789abcdef')).toBe(
      'inc-20260101T120000000Z-0123456789abcdef',
    );
    const odd = executionNameFor(`weird id/${'x'.repeat(100)}`);
    expect(odd).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(odd).not.toBe(executionNameFor(`weird id/${'x'.repeat(101)}`));
  });
});

describe('intakeConfigFromEnv', () => {
  it('reads seconds and maintenance windows, with defaults', () => {
    expect(intakeConfigFromEnv({})).toEqual(DEFAULT_INTAKE_CONFIG);
    expect(
      intakeConfigFromEnv({
        FAULTLINE_FLAP_WINDOW_SECONDS: '60',
        FAULTLINE_COOLDOWN_SECONDS: '0',
        FAULTLINE_MAINTENANCE_WINDOWS: JSON.stringify([
          { startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T02:00:00+00:00' },
        ]),
      }),
    ).toEqual({
      flapWindowMs: 60_000,
      cooldownMs: 0,
      maintenanceWindows: [{ startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2026, 0, 1, 2) }],
    });
  });

  it('names the bad variable', () => {
    expect(() => intakeConfigFromEnv({ FAULTLINE_FLAP_WINDOW_SECONDS: 'soon' })).toThrow(
      /FAULTLINE_FLAP_WINDOW_SECONDS/,
    );
    expect(() => intakeConfigFromEnv({ FAULTLINE_MAINTENANCE_WINDOWS: '[{' })).toThrow(IncidentConfigError);
    expect(() =>
      intakeConfigFromEnv({
        FAULTLINE_MAINTENANCE_WINDOWS:
          '[{"startsAt":"2026-01-02T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}]',
      }),
    ).toThrow(/endsAt/);
  });
});
