import { z } from 'zod';
import type { RecoveryState } from '../../lib/recovery/index.js';

/** What every recovery task sends its Lambda: the action, the whole state, the execution name (the owner id). */
export function recoveryEventSchema<const A extends readonly [string, ...string[]]>(actions: A) {
  return z.object({
    action: z.enum(actions),
    executionName: z.string().min(1).max(80),
    state: z
      .object({ incidentId: z.string().min(1), resourceId: z.string().min(1), alarmName: z.string().min(1) })
      .passthrough()
      .transform((s) => s as unknown as RecoveryState),
  });
}
