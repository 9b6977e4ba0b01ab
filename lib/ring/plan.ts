import type { RingChange } from './members.js';
import type { HashRing } from './ring.js';

const KEY_SPACE = 2 ** 32;

/** Key positions `[start, end)` (unsigned 32-bit ring positions) that change owner. */
export interface MovedRange {
  readonly start: number;
  readonly end: number;
  /** Owner before the change; null when no member was up. */
  readonly from: string | null;
  /** Owner after the change; null when no member is up any more. */
  readonly to: string | null;
}

/** Everything that moves from one member to another, summed. */
export interface Transfer {
  readonly from: string | null;
  readonly to: string | null;
  /** Fraction of the whole key space. */
  readonly fraction: number;
  /** How many ranges make it up. */
  readonly ranges: number;
}

/** What a membership change moves. Small enough for a Step Functions payload (no range list). */
export interface PlanSummary {
  readonly change?: RingChange;
  /** Fraction of the key space that changes owner. */
  readonly movedFraction: number;
  /** Largest first. */
  readonly transfers: readonly Transfer[];
}

/** A summary plus every moved range, exact (thousands of entries when a member holds thousands of tokens). */
export interface MovementPlan extends PlanSummary {
  readonly ranges: readonly MovedRange[];
}

/**
 * Compares two rings position by position and lists the ranges whose owner differs. Linear in the number of
 * tokens of both rings: both segment lists are already sorted, so it is a merge.
 *
 * @example
 * const plan = diffRings(before, after);
 * plan.movedFraction; // 0.0099
 */
export function diffRings(before: HashRing, after: HashRing, change?: RingChange): MovementPlan {
  // Walks both rings' arcs by index (no per-arc objects: a default ring has ~10^6 of them).
  const a = arcCursor(before);
  const b = arcCursor(after);
  const ranges: MovedRange[] = [];
  let position = 0;
  while (position < KEY_SPACE) {
    const end = Math.min(a.end, b.end);
    const from = a.owner;
    const to = b.owner;
    if (from !== to) {
      const last = ranges[ranges.length - 1];
      if (last && last.end === position && last.from === from && last.to === to) {
        ranges[ranges.length - 1] = { ...last, end };
      } else {
        ranges.push({ start: position, end, from, to });
      }
    }
    position = end;
    if (a.end === end) a.next();
    if (b.end === end) b.next();
  }
  return { ...summarize(ranges, change), ranges };
}

/** Iterates a ring's non-empty arcs in position order: `[previous end, end)` belongs to `owner`. */
function arcCursor(ring: HashRing): { end: number; owner: string | null; next(): void } {
  const { tokens, owners, ownerIds } = ring;
  const total = ring.size;
  const ownerOf = (i: number): string => ownerIds[owners[i] as number] as string;
  let index = 0;
  const cursor = {
    end: KEY_SPACE,
    owner: total === 0 ? null : ownerOf(0),
    next(): void {
      // Skip tokens equal to an earlier one: the first of them owns the arc, the rest own nothing.
      const previousEnd = cursor.end;
      index++;
      while (index < total && (tokens[index] as number) + 1 <= previousEnd) index++;
      if (index < total) {
        cursor.end = (tokens[index] as number) + 1;
        cursor.owner = ownerOf(index);
      } else {
        // Past the last token the ring wraps around to the first token's owner.
        cursor.end = KEY_SPACE;
        cursor.owner = total === 0 ? null : ownerOf(0);
      }
    },
  };
  if (total > 0) cursor.end = (tokens[0] as number) + 1;
  return cursor;
}

/** Sums ranges per (from, to), largest first. */
export function summarize(ranges: readonly MovedRange[], change?: RingChange): PlanSummary {
  const byPair = new Map<string, { from: string | null; to: string | null; width: number; ranges: number }>();
  let moved = 0;
  for (const r of ranges) {
    const key = JSON.stringify([r.from, r.to]);
    const entry = byPair.get(key) ?? { from: r.from, to: r.to, width: 0, ranges: 0 };
    entry.width += r.end - r.start;
    entry.ranges++;
    byPair.set(key, entry);
    moved += r.end - r.start;
  }
  const transfers = [...byPair.values()]
    .sort((x, y) => y.width - x.width || String(x.to).localeCompare(String(y.to)))
    .map(({ from, to, width, ranges: count }) => ({ from, to, fraction: width / KEY_SPACE, ranges: count }));
  return { ...(change ? { change } : {}), movedFraction: moved / KEY_SPACE, transfers };
}

/** Drops the range list (for results that travel through Step Functions, which caps payloads at 256 KB). */
export function toSummary(plan: MovementPlan): PlanSummary {
  const { ranges: _ranges, ...summary } = plan;
  return summary;
}
