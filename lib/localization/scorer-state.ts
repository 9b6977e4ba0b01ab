import { z } from 'zod';

/**
 * Persisted scorer state, version 1. Entries are tuples rather than objects to keep the item small:
 * `current` holds `[source, key, template, count, isError, samples]`, `baseline` holds
 * `[source, key, template, mean]`; `key` is `#<templateId>` when ids were given, else the template text.
 */
export const scorerStateSchema = z.object({
  v: z.literal(1),
  windowMs: z.number().positive(),
  windowStart: z.number().nullable(),
  windowsClosed: z.number().int().nonnegative(),
  late: z.number().int().nonnegative(),
  current: z.array(
    z.tuple([
      z.string(),
      z.string(),
      z.string(),
      z.number().int().positive(),
      z.boolean(),
      z.array(z.string()),
    ]),
  ),
  baseline: z.array(z.tuple([z.string(), z.string(), z.string(), z.number().nonnegative()])),
});

/** The JSON value {@link AnomalyScorer.toState} returns and {@link AnomalyScorer.fromState} accepts. */
export type ScorerState = z.infer<typeof scorerStateSchema>;
