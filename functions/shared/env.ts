import { z } from 'zod';

/**
 * Handler configuration, parsed from the environment the stack (or the local runtime) sets. Each handler asks
 * only for what it needs, so a missing variable fails at cold start with its name.
 */
export const handlerEnvSchema = z.object({
  COORDINATION_TABLE: z.string().min(1),
  RING_TABLE: z.string().min(1),
  INCIDENTS_TABLE: z.string().min(1),
  RECOVERY_STATE_MACHINE_ARN: z.string().min(1),
  NOTIFICATIONS_QUEUE_URL: z.string().min(1),
  ESCALATIONS_QUEUE_URL: z.string().min(1),
});

export type HandlerEnv = z.infer<typeof handlerEnvSchema>;

export function readEnv<K extends keyof HandlerEnv>(...keys: K[]): Pick<HandlerEnv, K> {
  const out: Partial<HandlerEnv> = {};
  const missing: string[] = [];
  for (const key of keys) {
    const value = process.env[key];
    if (value) out[key] = value;
    else missing.push(key);
  }
  if (missing.length > 0) throw new Error(`Faultline handler misconfigured: missing ${missing.join(', ')}`);
  return out as Pick<HandlerEnv, K>;
}
