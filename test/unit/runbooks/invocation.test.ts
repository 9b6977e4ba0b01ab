import { describe, expect, it } from 'vitest';
import { runbookStepInputSchema } from '../../../lib/runbooks/invocation.js';

describe('runbookStepInputSchema', () => {
  const base = {
    step: { kind: 'ec2.reboot', params: { instanceId: 'i-1' } },
    stepKey: 'exec-1:0:0',
    startedAtMs: '2026-11-26T04:00:00.123Z',
    fence: { resource: 'ec2:i-1', token: 3 },
  };

  it('parses workflow input, turning an ISO EnteredTime into epoch ms and defaulting dryRun', () => {
    expect(runbookStepInputSchema.parse(base)).toEqual({
      ...base,
      startedAtMs: Date.UTC(2026, 10, 26, 4, 0, 0, 123),
      dryRun: false,
    });
    expect(runbookStepInputSchema.parse({ ...base, undo: null }).undo).toBeNull();
  });

  it('rejects a step key that cannot go into a tag and a negative token', () => {
    const bad = runbookStepInputSchema.safeParse({
      ...base,
      stepKey: 'a b',
      fence: { resource: 'r', token: -1 },
    });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['stepKey', 'fence.token']);
  });
});
