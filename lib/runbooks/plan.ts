import { globMatch } from './glob.js';
import { type RunbookStepSpec, stepRegistry } from './registry.js';
import type { RunbookRule, RunbookRules } from './rules.js';
import { resolveTemplate, type TemplateScope } from './template.js';

/** The parts of an incident that rules look at. */
export interface PlanIncident {
  readonly alarmName: string;
  readonly namespace?: string | undefined;
  readonly dimensions?: Readonly<Record<string, string>> | undefined;
  /** The incident's resource id (available to templates as `{{resource}}`). */
  readonly resource?: string | undefined;
}

/** A localization suspect: the one with the highest score is the "top suspect". */
export interface PlanSuspect {
  readonly id: string;
  readonly score: number;
}

/** A candidate runbook with every template resolved and every step's parameters validated. */
export interface PlannedRunbook {
  /** `<rule>/<runbook>`: stable, for the timeline and for choosing a runbook on escalation. */
  readonly id: string;
  readonly rule: string;
  readonly runbook: string;
  readonly steps: readonly RunbookStepSpec[];
}

/**
 * The top suspect: highest finite score; ties broken by the smaller id (plain code-unit order), so the result
 * does not depend on the order suspects arrive in.
 */
export function topSuspect(suspects: readonly PlanSuspect[]): PlanSuspect | undefined {
  let best: PlanSuspect | undefined;
  for (const s of suspects) {
    if (typeof s?.id !== 'string' || s.id === '' || !Number.isFinite(s.score)) continue;
    if (!best || s.score > best.score || (s.score === best.score && s.id < best.id)) best = s;
  }
  return best;
}

/**
 * The ordered candidate runbooks for an incident: the runbooks of every matching rule, in rule order then
 * runbook order, with templates resolved. A runbook whose templates cannot be resolved (e.g. `{{suspect}}`
 * without a suspect) or whose resolved parameters are invalid is left out; identical resolved runbooks appear
 * once. Pure, deterministic and total: it never throws for validated rules.
 *
 * @example
 * const rules = parseRunbookRules(defaultRunbookRules);
 * planFor({ alarmName: 'orders-5xx', namespace: 'AWS/ECS', dimensions: { ClusterName: 'prod', ServiceName: 'orders' } }, [], rules);
 * // → [{ id: 'ecs-service/force-new-deployment', steps: [{ kind: 'ecs.forceNewDeployment', params: { cluster: 'prod', service: 'orders' } }] }, ...]
 */
export function planFor(
  incident: PlanIncident,
  suspects: readonly PlanSuspect[],
  rules: RunbookRules,
): PlannedRunbook[] {
  const top = topSuspect(suspects);
  const scope: TemplateScope = {
    alarmName: incident.alarmName,
    namespace: incident.namespace,
    resource: incident.resource,
    suspect: top?.id,
    dimensions: incident.dimensions ?? {},
  };
  const planned: PlannedRunbook[] = [];
  const seen = new Set<string>();
  for (const rule of rules.rules) {
    if (!matches(rule, scope)) continue;
    for (const runbook of rule.runbooks) {
      const steps = resolveSteps(runbook.steps, scope);
      if (!steps) continue;
      const fingerprint = JSON.stringify(steps);
      if (seen.has(fingerprint)) continue;
      seen.add(fingerprint);
      planned.push({ id: `${rule.name}/${runbook.name}`, rule: rule.name, runbook: runbook.name, steps });
    }
  }
  return planned;
}

function matches(rule: RunbookRule, scope: TemplateScope): boolean {
  const m = rule.match;
  if (m.alarmName !== undefined && !globMatch(m.alarmName, scope.alarmName)) return false;
  if (
    m.namespace !== undefined &&
    (scope.namespace === undefined || !globMatch(m.namespace, scope.namespace))
  ) {
    return false;
  }
  for (const [key, pattern] of Object.entries(m.dimensions ?? {})) {
    const value = Object.hasOwn(scope.dimensions, key) ? scope.dimensions[key] : undefined;
    if (typeof value !== 'string' || !globMatch(pattern, value)) return false;
  }
  if (m.suspect !== undefined && (scope.suspect === undefined || !globMatch(m.suspect, scope.suspect))) {
    return false;
  }
  return true;
}

function resolveSteps(
  steps: readonly RunbookStepSpec[],
  scope: TemplateScope,
): RunbookStepSpec[] | undefined {
  const out: RunbookStepSpec[] = [];
  for (const step of steps) {
    const resolved = resolveDeep(step.params, scope);
    if (resolved === UNRESOLVED) return undefined;
    // Resolved values must still satisfy the step's schema (e.g. a dimension value that is not a valid name).
    const parsed = stepRegistry[step.kind].params.safeParse(resolved);
    if (!parsed.success) return undefined;
    out.push({ kind: step.kind, params: parsed.data } as RunbookStepSpec);
  }
  return out;
}

const UNRESOLVED = Symbol('unresolved');

function resolveDeep(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return resolveTemplate(value, scope) ?? UNRESOLVED;
  if (Array.isArray(value)) {
    const items = value.map((v) => resolveDeep(v, scope));
    return items.includes(UNRESOLVED) ? UNRESOLVED : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveDeep(v, scope);
      if (r === UNRESOLVED) return UNRESOLVED;
      out[k] = r;
    }
    return out;
  }
  return value;
}
