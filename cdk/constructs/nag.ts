import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's IAM5 finding for each wildcard resource in `statements`, with the statement's own
 * reason. Findings are named after the resource as cdk-nag renders it (`arn:<AWS::Partition>:…`), so the ids
 * are computed the same way rather than written by hand. A wildcard without a reason is not acknowledged: it
 * stays an error.
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  statements: ReadonlyArray<{ readonly resources: readonly string[]; readonly reason?: string }>,
): void {
  const stack = Stack.of(scope);
  for (const statement of statements) {
    if (!statement.reason) continue;
    for (const resource of statement.resources) {
      const rendered = flattenCfnReference(stack.resolve(resource));
      if (!rendered.includes('*')) continue;
      Validations.of(scope).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${rendered}]`,
        reason: statement.reason,
      });
    }
  }
}
