/**
 * EventBridge event-pattern matching for the patterns Faultline synthesizes: exact values, `prefix`, nested
 * objects, and (for completeness) `anything-but` and `exists`. A field matches when any listed alternative does.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  for (const [key, expected] of Object.entries(pattern as Record<string, unknown>)) {
    const actual = (event as Record<string, unknown> | null)?.[key];
    if (Array.isArray(expected)) {
      if (!matchesAny(expected, actual)) return false;
    } else if (!matchesPattern(expected, actual)) {
      return false;
    }
  }
  return true;
}

function matchesAny(alternatives: unknown[], actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return alternatives.some((alt) => {
    if (alt !== null && typeof alt === 'object') {
      const rule = alt as { prefix?: string; 'anything-but'?: unknown; exists?: boolean };
      if (rule.prefix !== undefined)
        return values.some((v) => typeof v === 'string' && v.startsWith(rule.prefix as string));
      if (rule.exists !== undefined) return rule.exists === (actual !== undefined);
      if (rule['anything-but'] !== undefined) {
        const excluded = ([] as unknown[]).concat(rule['anything-but']);
        return values.every((v) => !excluded.includes(v));
      }
      return false;
    }
    return values.includes(alt);
  });
}
