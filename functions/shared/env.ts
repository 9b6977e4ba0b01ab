/**
 * Handler configuration from the environment the stack (or the local runtime) sets. Each handler asks only for
 * what it needs, so a missing variable fails at cold start with its name.
 */
export interface HandlerEnv {
  readonly COORDINATION_TABLE: string;
  readonly RING_TABLE: string;
  readonly INCIDENTS_TABLE: string;
  readonly RECOVERY_STATE_MACHINE_ARN: string;
  readonly NOTIFICATIONS_QUEUE_URL: string;
  readonly ESCALATIONS_QUEUE_URL: string;
}

export function readEnv<K extends keyof HandlerEnv>(...keys: K[]): Pick<HandlerEnv, K> {
  const out: Partial<Record<keyof HandlerEnv, string>> = {};
  const missing: string[] = [];
  for (const key of keys) {
    const value = process.env[key];
    if (value) out[key] = value;
    else missing.push(key);
  }
  if (missing.length > 0) throw new Error(`Faultline handler misconfigured: missing ${missing.join(', ')}`);
  return out as Pick<HandlerEnv, K>;
}
