import { z } from 'zod';
import { InvalidRunbookRulesError } from './errors.js';
import { stepRegistry } from './registry.js';

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"');
const glob = z.string().min(1).max(512);

const stepSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ring.drain'), params: stepRegistry['ring.drain'].params }),
  z.strictObject({
    kind: z.literal('ecs.forceNewDeployment'),
    params: stepRegistry['ecs.forceNewDeployment'].params,
  }),
  z.strictObject({ kind: z.literal('ecs.scaleOut'), params: stepRegistry['ecs.scaleOut'].params }),
  z.strictObject({ kind: z.literal('ec2.reboot'), params: stepRegistry['ec2.reboot'].params }),
  z.strictObject({ kind: z.literal('ec2.stopStart'), params: stepRegistry['ec2.stopStart'].params }),
  z.strictObject({
    kind: z.literal('autoscaling.replaceInstance'),
    params: stepRegistry['autoscaling.replaceInstance'].params,
  }),
  z.strictObject({
    kind: z.literal('autoscaling.scaleOut'),
    params: stepRegistry['autoscaling.scaleOut'].params,
  }),
  z.strictObject({
    kind: z.literal('lambda.rollbackAlias'),
    params: stepRegistry['lambda.rollbackAlias'].params,
  }),
  z.strictObject({ kind: z.literal('lambda.invoke'), params: stepRegistry['lambda.invoke'].params }),
]);

/** What a rule matches; every field given must match (globs: `*`, `?`). An empty match matches every alarm. */
const match = z.strictObject({
  alarmName: glob.optional(),
  namespace: glob.optional(),
  /** Each named dimension must be present on the alarm and match its glob. */
  dimensions: z.record(z.string().min(1), glob).optional(),
  /** When given, the incident needs a top localization suspect whose id matches. */
  suspect: glob.optional(),
});

const runbook = z.strictObject({
  name,
  steps: z.array(stepSpec).min(1).max(20),
});

const rule = z
  .strictObject({
    name,
    match,
    /** Tried in order: the first is the plan, the rest are fallbacks. */
    runbooks: z.array(runbook).min(1).max(10),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.runbooks.forEach((rb, i) => {
      if (seen.has(rb.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['runbooks', i, 'name'],
          message: `duplicate runbook name "${rb.name}"`,
        });
      }
      seen.add(rb.name);
    });
  });

/**
 * The runbook rules configuration users pass (as JSON) in the construct's props. Rules are ordered: the runbooks
 * of every matching rule are candidates, earlier rules first.
 */
export const runbookRulesSchema = z
  .strictObject({
    version: z.literal(1),
    rules: z.array(rule).max(200),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.rules.forEach((r, i) => {
      if (seen.has(r.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name "${r.name}"`,
        });
      }
      seen.add(r.name);
    });
  });

export type RunbookRules = z.output<typeof runbookRulesSchema>;
/** The JSON users write (defaults not yet applied). */
export type RunbookRulesInput = z.input<typeof runbookRulesSchema>;
export type RunbookRule = RunbookRules['rules'][number];

/**
 * Validates a rules configuration (an object, or JSON text). Throws `InvalidRunbookRulesError` whose `issues`
 * name each problem by path, e.g. `rules[0].runbooks[1].steps[0].params.by: Too small: expected number to be >=1`.
 *
 * @example
 * const rules = parseRunbookRules(JSON.parse(fs.readFileSync('runbooks.json', 'utf8')));
 */
export function parseRunbookRules(input: unknown): RunbookRules {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidRunbookRulesError([`not valid JSON: ${(error as Error).message}`]);
    }
  }
  const parsed = runbookRulesSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidRunbookRulesError(parsed.error.issues.flatMap((issue) => describeIssue(issue)));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string[] {
  const path = [...prefix, ...issue.path];
  // A step whose kind is unknown: list the kinds rather than zod's generic union message.
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return [`${formatPath(path)}unknown step kind; expected one of ${Object.keys(stepRegistry).join(', ')}`];
  }
  return [`${formatPath(path)}${issue.message}`];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return `${out}: `;
}
