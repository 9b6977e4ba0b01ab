import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { type Captured, incidentItems, printResult, runDrillCapturing, timelineItems } from './capture.js';
import { mismatches } from './checks.js';

describe('drill: duplicates (every delivery ×3 in all three shapes, shuffled, concurrent)', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('duplicates'));
    printResult(result);
  });

  it('opens one incident and starts one execution, which recovers', () => {
    expect(mismatches(result, captured)).toEqual([]);
    expect(result).toMatchObject({ incidentsOpened: 1, executionsStarted: 1, rejected: 0, recovered: true });
    expect(result.copiesPerChange).toBe(9);
    expect(incidentItems(captured)).toHaveLength(1);
    expect(captured.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('stores each alarm observation once, however many times it was delivered', () => {
    const timeline = timelineItems(captured, String(result.incidentId));
    expect(timeline.filter((e) => e.kind === 'opened')).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'execution-started')).toHaveLength(1);
    // The ALARM → OK change after recovery, delivered 9 times: one entry.
    expect(timeline.filter((e) => e.kind === 'alarm-ok')).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'lease-acquired')).toHaveLength(1);
  });
});
