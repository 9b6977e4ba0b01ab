import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { FAULTY_NODE } from '../../../lib/drill/scenarios/crash.js';
import { type Captured, incidentItems, printResult, runDrillCapturing, timelineItems } from './capture.js';
import { FAULT_AT, mismatches } from './checks.js';

describe('drill: crash (the walking skeleton, issue 2)', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('crash'));
    printResult(result);
  });

  it('recovers, and every figure is what DynamoDB Local and the execution history hold', () => {
    expect(result.recovered).toBe(true);
    expect(mismatches(result, captured)).toEqual([]);
    const [incident, ...others] = incidentItems(captured);
    expect(others).toEqual([]);
    expect(incident?.incidentId).toBe(result.incidentId);
    expect(incident?.status).toBe('RESOLVED');
    expect(result.mttdMs).toBe(Number(incident?.firstAlarmAt) - FAULT_AT);
    const timeline = timelineItems(captured, String(result.incidentId));
    const resolved = timeline.find((e) => e.kind === 'resolved');
    expect(typeof (resolved?.detail as { alarmOkAt?: unknown })?.alarmOkAt).toBe('number');
    const [execution] = captured.executions;
    expect(captured.executions).toHaveLength(1);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(result.steps).toEqual(execution?.states);
    expect(result.steps.slice(0, 3)).toEqual(['Begin', 'Acquire', 'LeaseTaken']);
    expect(result.steps.at(-1)).toBe('Done');
    expect(result.ddbRequests).toBeGreaterThan(0);
  });

  it('acted on the crashed node under a lease it released, and notified once', () => {
    expect(result.suspect).toBe(FAULTY_NODE);
    const timeline = timelineItems(captured, String(result.incidentId));
    const steps = timeline.filter((e) => e.kind === 'runbook-step');
    expect(steps.length).toBeGreaterThan(0);
    const acquired = timeline.filter((e) => e.kind === 'lease-acquired');
    expect(acquired).toHaveLength(1);
    const token = (acquired[0]?.detail as { token?: number } | undefined)?.token;
    for (const step of steps) expect((step.detail as { token?: number }).token).toBe(token);
    const lease = captured.coordinationTable.find(
      (i) => i.pk === 'lease#RingId=checkout' && i.sk === 'lease',
    );
    expect(lease).toMatchObject({ token, released: true });
    const notifications = captured.queueMessages.NOTIFICATIONS_QUEUE_URL ?? [];
    expect(notifications).toEqual([
      expect.objectContaining({ kind: 'resolved', incidentId: result.incidentId }),
    ]);
  });

  it('the checker catches a result that disagrees with the emulators', () => {
    const tampered: DrillResult[] = [
      { ...result, recovered: !result.recovered },
      { ...result, mttdMs: (result.mttdMs ?? 0) + 1000 },
      { ...result, mttrMs: null },
      { ...result, steps: result.steps.slice(1) },
      { ...result, incidentId: 'inc-not-there' },
      { ...result, incidentsOpened: 2 },
      { ...result, executionsStarted: 0 },
      { ...result, rejected: 1 },
    ];
    for (const variant of tampered) expect(mismatches(variant, captured)).not.toEqual([]);
  });
});
