import { z } from 'zod';
import { IncidentConfigError } from './errors.js';

/** A period in which alarms are recorded but not remediated. */
export interface MaintenanceWindow {
  /** Epoch ms, inclusive. */
  readonly startsAt: number;
  /** Epoch ms, exclusive. */
  readonly endsAt: number;
  /** Resource ids or alarm names the window covers; every resource when absent. */
  readonly resources?: readonly string[];
}

export interface IntakeConfig {
  /**
   * ALARM transitions of a resource closer than this to its latest episode (measured on CloudWatch's
   * timestamps) belong to that episode: a flapping alarm opens one incident.
   * @default 900_000 (15 minutes)
   */
  readonly flapWindowMs: number;
  /**
   * A resource auto-remediated (incident RESOLVED) less than this before a new episode's ALARM gets an
   * ESCALATED incident instead of another remediation.
   * @default 1_800_000 (30 minutes)
   */
  readonly cooldownMs: number;
  /** @default [] */
  readonly maintenanceWindows: readonly MaintenanceWindow[];
}

export const DEFAULT_INTAKE_CONFIG: IntakeConfig = {
  flapWindowMs: 15 * 60_000,
  cooldownMs: 30 * 60_000,
  maintenanceWindows: [],
};

const seconds = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds` })
    .int()
    .nonnegative({ error: `${name} must be ≥ 0` });

const windowsSchema = z.array(
  z
    .object({
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.iso.datetime({ offset: true }),
      resources: z.array(z.string().min(1)).optional(),
    })
    .refine((w) => Date.parse(w.endsAt) > Date.parse(w.startsAt), {
      message: 'endsAt must be after startsAt',
    }),
);

/**
 * Reads intake settings from the environment, defaults for anything unset:
 * `FAULTLINE_FLAP_WINDOW_SECONDS`, `FAULTLINE_COOLDOWN_SECONDS`, and `FAULTLINE_MAINTENANCE_WINDOWS`
 * (JSON: `[{ "startsAt": ISO, "endsAt": ISO, "resources"?: [resourceId or alarmName] }]`).
 * Throws `IncidentConfigError` naming the bad variable.
 *
 * @example
 * const config = intakeConfigFromEnv(process.env);
 */
export function intakeConfigFromEnv(env: Readonly<Record<string, string | undefined>>): IntakeConfig {
  const read = <T>(name: string, schema: z.ZodType<T>, raw: unknown): T => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new IncidentConfigError(
        `${name} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    return parsed.data;
  };
  const flap = env.FAULTLINE_FLAP_WINDOW_SECONDS;
  const cooldown = env.FAULTLINE_COOLDOWN_SECONDS;
  const windows = env.FAULTLINE_MAINTENANCE_WINDOWS;
  let windowsJson: unknown = [];
  if (windows) {
    try {
      windowsJson = JSON.parse(windows);
    } catch {
      throw new IncidentConfigError('FAULTLINE_MAINTENANCE_WINDOWS is not valid JSON');
    }
  }
  return {
    flapWindowMs: flap
      ? read('FAULTLINE_FLAP_WINDOW_SECONDS', seconds('FAULTLINE_FLAP_WINDOW_SECONDS'), flap) * 1000
      : DEFAULT_INTAKE_CONFIG.flapWindowMs,
    cooldownMs: cooldown
      ? read('FAULTLINE_COOLDOWN_SECONDS', seconds('FAULTLINE_COOLDOWN_SECONDS'), cooldown) * 1000
      : DEFAULT_INTAKE_CONFIG.cooldownMs,
    maintenanceWindows: read('FAULTLINE_MAINTENANCE_WINDOWS', windowsSchema, windowsJson).map((w) => ({
      startsAt: Date.parse(w.startsAt),
      endsAt: Date.parse(w.endsAt),
      ...(w.resources ? { resources: w.resources } : {}),
    })),
  };
}
