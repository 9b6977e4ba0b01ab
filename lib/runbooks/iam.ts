import { cloudWatchAlarmArn } from './arns.js';
import { RunbookError } from './errors.js';
import { stepRegistry } from './registry.js';
import type { RunbookRules } from './rules.js';
import type { ArnEnv, IamStatement } from './step.js';

/**
 * The IAM statements the runbook-executing role needs for these rules: exactly the actions of the configured
 * steps, on the ARNs formed from their parameters. A parameter that is a template (`{{suspect}}`) becomes `*` in
 * its ARN segment (that resource type, this account and region); statements with such resources, or with `*` for
 * read-only APIs without resource-level permissions, carry a `reason` for the cdk-nag acknowledgement.
 * Deterministic: sorted, statements with the same actions merged. Never emits an action containing `*`.
 *
 * @example
 * for (const s of iamStatementsFor(rules, { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID })) {
 *   role.addToPolicy(new PolicyStatement({ actions: [...s.actions], resources: [...s.resources] }));
 * }
 */
export function iamStatementsFor(rules: RunbookRules, env: ArnEnv): IamStatement[] {
  const raw: IamStatement[] = [];
  for (const rule of rules.rules) {
    for (const runbook of rule.runbooks) {
      for (const step of runbook.steps) {
        const def = stepRegistry[step.kind] as { iam(params: unknown, env: ArnEnv): IamStatement[] };
        for (const statement of def.iam(step.params, env)) raw.push(withTemplateReason(statement));
      }
    }
  }
  return mergeStatements(raw);
}

/**
 * Statements for the verification helpers: `cloudwatch:DescribeAlarms` on the named alarms (a name may be a
 * template or `*`) and `cloudwatch:GetMetricData`, which supports no resource-level permissions.
 *
 * @example
 * verificationIamStatements(env, ['orders-5xx']);
 */
export function verificationIamStatements(env: ArnEnv, alarmNames: readonly string[]): IamStatement[] {
  const statements: IamStatement[] = [
    {
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
      reason: 'cloudwatch:GetMetricData supports no resource-level permissions (read-only).',
    },
  ];
  if (alarmNames.length > 0) {
    const patterned = alarmNames.some((name) => name.includes('*') || name.includes('{{'));
    statements.push({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: alarmNames.map((name) => cloudWatchAlarmArn(env, name)),
      ...(patterned
        ? { reason: 'The watched alarms are chosen by name pattern (or tag), not listed one by one.' }
        : {}),
    });
  }
  return mergeStatements(statements);
}

function withTemplateReason(statement: IamStatement): IamStatement {
  if (statement.reason !== undefined) return statement;
  const wild = statement.resources.filter((r) => r.includes('*'));
  // Auto Scaling group ARNs always hold a `*` for the group id; only name wildcards need explaining.
  const named = wild.filter(
    (r) => !/^arn:[^:]*:autoscaling:.*:autoScalingGroup:\*:autoScalingGroupName\/[^*]+$/.test(r),
  );
  if (named.length === 0) return statement;
  return {
    ...statement,
    reason:
      'The target is named at run time from the incident (a rule parameter template), so the resource name is a wildcard within this account, region and resource type.',
  };
}

/** Sorts, de-duplicates and merges statements that grant the same actions for the same reason. */
export function mergeStatements(statements: readonly IamStatement[]): IamStatement[] {
  const byKey = new Map<string, { actions: string[]; resources: Set<string>; reason?: string }>();
  for (const s of statements) {
    for (const action of s.actions) {
      if (action.includes('*') || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
        throw new RunbookError(
          `Refusing IAM action "${action}": only exact service:Action names are granted`,
        );
      }
    }
    const actions = [...new Set(s.actions)].sort();
    const key = `${actions.join(',')}|${s.reason ?? ''}`;
    const entry = byKey.get(key) ?? {
      actions,
      resources: new Set<string>(),
      ...(s.reason ? { reason: s.reason } : {}),
    };
    for (const r of s.resources) entry.resources.add(r);
    byKey.set(key, entry);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({
      actions: e.actions,
      resources: [...e.resources].sort(),
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    }));
}
