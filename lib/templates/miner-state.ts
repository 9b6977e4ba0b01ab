import { z } from 'zod';

/**
 * Persisted miner state, version 1. Clusters are tuples `[id, template, count, lastSeen]` rather than objects:
 * with thousands of templates the repeated keys would cost a third of the item.
 */
export const minerStateSchema = z.object({
  v: z.literal(1),
  nextId: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  clusters: z.array(
    z.tuple([
      z.number().int().positive(),
      z.string(),
      z.number().int().positive(),
      z.number().int().positive(),
    ]),
  ),
  /** `[mergedId, survivingId]` pairs, oldest first. */
  aliases: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
});

/** The JSON value {@link TemplateMiner.toState} returns and {@link TemplateMiner.fromState} accepts. */
export type MinerState = z.infer<typeof minerStateSchema>;
