/**
 * Glob matching for rule fields: `*` matches any run of characters (also none), `?` exactly one, everything
 * else itself, case-sensitively. Iterative with one backtrack point, so it stays linear-ish on any input
 * (no regex built from user text, no catastrophic backtracking).
 *
 * @example
 * globMatch('orders-*-5xx', 'orders-api-5xx'); // true
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
