/**
 * Grouping Accuracy as the Loghub benchmarks define it: a predicted group is correct when it holds exactly the
 * lines of one ground-truth group; GA = lines in correct groups / all lines.
 *
 * @example
 * ```ts
 * groupingAccuracy(['E1', 'E1', 'E2'], [7, 7, 9]); // 1
 * groupingAccuracy(['E1', 'E1', 'E2'], [7, 8, 9]); // 1/3: E1 is split
 * ```
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly (string | number)[]): number {
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const groups = new Map<string | number, Map<string, number>>();
  predicted.forEach((p, i) => {
    const members = groups.get(p) ?? new Map<string, number>();
    const t = truth[i] as string;
    members.set(t, (members.get(t) ?? 0) + 1);
    groups.set(p, members);
  });
  let correct = 0;
  for (const members of groups.values()) {
    if (members.size !== 1) continue;
    const [[event, size]] = [...members] as [[string, number]];
    if (truthSize.get(event) === size) correct += size;
  }
  return truth.length === 0 ? 0 : correct / truth.length;
}

/**
 * Parsing Accuracy: the share of lines whose predicted template equals the ground-truth template exactly.
 *
 * @example
 * ```ts
 * parsingAccuracy(['a <*>', 'b'], ['a <*>', 'b <*>']); // 0.5
 * ```
 */
export function parsingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  let ok = 0;
  truth.forEach((t, i) => {
    if (predicted[i] === t) ok++;
  });
  return truth.length === 0 ? 0 : ok / truth.length;
}
