import type { MovementPlan } from '../../../lib/ring/plan.js';

/** mulberry32: seeded keys, the same every run. */
export function seededKeys(count: number, seed: number): string[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from({ length: count }, () => `key-${next().toString(36)}${next().toString(36)}`);
}

/** Largest per-member key count over the mean (members that got no key count as 0 but still divide). */
export function keyBalance(
  keys: readonly string[],
  lookup: (key: string) => string,
  members: number,
): number {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const owner = lookup(key);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / (keys.length / members);
}

/** Keys that changed owner when `removed` left, and those among them that `removed` did not own. */
export function removalMovement(
  keys: readonly string[],
  before: (key: string) => string,
  after: (key: string) => string,
  removed: string,
): { moved: number; excess: number } {
  let moved = 0;
  let excess = 0;
  for (const key of keys) {
    const was = before(key);
    if (was !== after(key)) {
      moved++;
      if (was !== removed) excess++;
    }
  }
  return { moved, excess };
}

/** Key-space fraction a plan moves away from members other than `removed`. */
export function planExcess(plan: MovementPlan, removed: string): number {
  return (
    plan.ranges.filter((r) => r.from !== removed).reduce((sum, r) => sum + (r.end - r.start), 0) / 2 ** 32
  );
}

export function hasDuplicates(list: readonly string[]): boolean {
  return new Set(list).size !== list.length;
}
