import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { FLIPS } from '../../../lib/drill/scenarios/flapping.js';
import { type Captured, incidentItems, printResult, runDrillCapturing, timelineItems } from './capture.js';
import { mismatches } from './checks.js';

describe('drill: flapping (ALARM/OK 10 times within a minute)', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('flapping'));
    printResult(result);
  });

  it('opens one incident and starts one execution', () => {
    expect(mismatches(result, captured)).toEqual([]);
    expect(result).toMatchObject({ incidentsOpened: 1, executionsStarted: 1, rejected: 0 });
    expect(incidentItems(captured)).toHaveLength(1);
    expect(captured.executions).toHaveLength(1);
    expect(result.recovered).toBe(true);
  });

  it('the alarm really flapped: the incident timeline holds the flips, all within a minute', () => {
    expect(result.alarmTransitionsInFirstMinute).toBe(2 * FLIPS);
    const [incident] = incidentItems(captured);
    const first = Number(incident?.firstAlarmAt);
    const observed = timelineItems(captured, String(result.incidentId))
      .filter((e) => e.kind === 'opened' || e.kind === 'alarm-alarm' || e.kind === 'alarm-ok')
      .map((e) => ({
        state: (e.detail as { state?: string }).state,
        at: Date.parse(String((e.detail as { stateChangedAt?: string }).stateChangedAt)),
      }))
      .filter((o) => o.at >= first && o.at < first + 60_000);
    expect(observed.filter((o) => o.state === 'ALARM')).toHaveLength(FLIPS);
    expect(observed.filter((o) => o.state === 'OK')).toHaveLength(FLIPS);
  });
});
