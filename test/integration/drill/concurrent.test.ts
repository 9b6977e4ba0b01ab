import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { CANARY_ALARM } from '../../../lib/drill/scenarios/concurrent.js';
import { ALARM } from '../../../lib/drill/world.js';
import { type Captured, incidentItems, printResult, runDrillCapturing, timelineItems } from './capture.js';
import { mismatches } from './checks.js';

describe('drill: concurrent (two alarms on the same resource 1 s apart)', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('concurrent'));
    printResult(result);
  });

  it('one incident, one recovery acting, and it recovers', () => {
    expect(mismatches(result, captured)).toEqual([]);
    expect(result).toMatchObject({ incidentsOpened: 1, executionsStarted: 1, recoveriesActing: 1 });
    expect(incidentItems(captured)).toHaveLength(1);
    const acting = captured.executions.filter((e) => e.states.includes('RunStep'));
    expect(acting.map((e) => e.name)).toEqual(result.actingExecutions);
    expect(result.recovered).toBe(true);
  });

  it('both alarms landed on the incident, 1 s apart', () => {
    const alarms = result.alarmsOnIncident as Array<{ alarmName: string; at: string }>;
    expect(alarms.map((a) => a.alarmName)).toEqual([ALARM.alarmName, CANARY_ALARM.alarmName]);
    expect(Date.parse(alarms[1]?.at ?? '') - Date.parse(alarms[0]?.at ?? '')).toBe(1000);
  });

  it('reports the lease tokens the timeline and the coordination table hold', () => {
    const timeline = timelineItems(captured, String(result.incidentId));
    const tokens = timeline
      .filter((e) => e.kind === 'lease-acquired' || e.kind === 'runbook-step')
      .map((e) => ({ kind: e.kind, token: (e.detail as { token?: number }).token }));
    expect(result.leaseTokens).toEqual(tokens);
    expect(tokens.filter((t) => t.kind === 'lease-acquired')).toHaveLength(1);
    const lease = captured.coordinationTable.find((i) => i.pk === `lease#${result.resourceId}`);
    expect(lease).toMatchObject({ token: tokens[0]?.token, released: true });
    expect(result.leaseRecord).toMatchObject({ token: lease?.token, owner: lease?.owner, released: true });
  });
});
