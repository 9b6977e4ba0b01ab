import { beforeAll, describe, expect, it } from 'vitest';
import { MalformedAlarmEventError, parseAlarmDelivery } from '../../../lib/alarms/index.js';
import type { DrillResult } from '../../../lib/drill/scenario.js';
import { MALFORMED } from '../../../lib/drill/scenarios/malformed.js';
import { type Captured, dlqLogicalId, incidentItems, printResult, runDrillCapturing } from './capture.js';
import { mismatches } from './checks.js';

describe('drill: malformed deliveries mixed with good ones', () => {
  let result: DrillResult;
  let captured: Captured;
  beforeAll(async () => {
    ({ result, captured } = await runDrillCapturing('malformed'));
    printResult(result);
  });

  it('rejects every malformed delivery to the DLQ and still recovers from the good ones', () => {
    expect(mismatches(result, captured)).toEqual([]);
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.rejected).toBe(result.malformedSent);
    expect(result.malformedSent).toBe(Number(result.alarmStateChanges) * MALFORMED.length);
    expect(result).toMatchObject({ incidentsOpened: 1, executionsStarted: 1, recovered: true });
    expect(incidentItems(captured).map((i) => i.status)).toEqual(['RESOLVED']);
  });

  it('only malformed deliveries are in the DLQ', () => {
    const dead = captured.queueMessages[dlqLogicalId(captured, 'detect')] ?? [];
    expect(dead).toHaveLength(Number(result.rejected));
    for (const event of dead) expect(() => parseAlarmDelivery(event)).toThrow(MalformedAlarmEventError);
  });
});
