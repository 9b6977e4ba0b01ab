import { describe, expect, it } from 'vitest';
import { defaultRunbookRules } from '../../../lib/runbooks/default-rules.js';
import { iamStatementsFor, mergeStatements, verificationIamStatements } from '../../../lib/runbooks/iam.js';
import { stepKinds } from '../../../lib/runbooks/registry.js';
import { parseRunbookRules } from '../../../lib/runbooks/rules.js';

const env = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

const literal = parseRunbookRules({
  version: 1,
  rules: [
    {
      name: 'all',
      match: {},
      runbooks: [
        {
          name: 'everything',
          steps: [
            { kind: 'ring.drain', params: { ringId: 'fleet', nodeId: 'n-1' } },
            { kind: 'ecs.forceNewDeployment', params: { cluster: 'prod', service: 'orders' } },
            { kind: 'ecs.scaleOut', params: { cluster: 'prod', service: 'orders', by: 1, max: 4 } },
            { kind: 'ec2.reboot', params: { instanceId: 'i-0abc' } },
            { kind: 'ec2.stopStart', params: { instanceId: 'i-0abc' } },
            {
              kind: 'autoscaling.replaceInstance',
              params: { autoScalingGroupName: 'web', instanceId: 'i-1' },
            },
            { kind: 'autoscaling.scaleOut', params: { autoScalingGroupName: 'web', by: 1, max: 4 } },
            { kind: 'lambda.rollbackAlias', params: { functionName: 'orders', alias: 'live' } },
            {
              kind: 'lambda.invoke',
              params: { functionName: 'custom', qualifier: 'prod', undo: { functionName: 'uncustom' } },
            },
          ],
        },
      ],
    },
  ],
});

describe('iamStatementsFor', () => {
  it('grants exactly the configured steps their actions on ARNs formed from their parameters', () => {
    expect(new Set(literal.rules[0]?.runbooks[0]?.steps.map((s) => s.kind))).toEqual(new Set(stepKinds));
    expect(iamStatementsFor(literal, env)).toEqual([
      {
        actions: ['autoscaling:CreateOrUpdateTags', 'autoscaling:SetDesiredCapacity'],
        resources: ['arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/web'],
      },
      {
        actions: ['autoscaling:DescribeAutoScalingGroups'],
        resources: ['*'],
        reason: 'autoscaling:DescribeAutoScalingGroups supports no resource-level permissions (read-only).',
      },
      {
        actions: ['autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: ['arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/web'],
      },
      {
        actions: ['ec2:CreateTags', 'ec2:RebootInstances'],
        resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc'],
      },
      {
        actions: ['ec2:CreateTags', 'ec2:StartInstances', 'ec2:StopInstances'],
        resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc'],
      },
      {
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
        reason: 'ec2:DescribeInstances supports no resource-level permissions (read-only).',
      },
      {
        actions: ['ecs:DescribeServices', 'ecs:ListTagsForResource', 'ecs:TagResource', 'ecs:UpdateService'],
        resources: ['arn:aws:ecs:eu-west-1:123456789012:service/prod/orders'],
      },
      {
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: ['arn:aws:ecs:eu-west-1:123456789012:service/prod/orders'],
      },
      {
        actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:UpdateAlias'],
        resources: [
          'arn:aws:lambda:eu-west-1:123456789012:function:orders',
          'arn:aws:lambda:eu-west-1:123456789012:function:orders:live',
        ],
      },
      {
        actions: ['lambda:InvokeFunction'],
        resources: [
          'arn:aws:lambda:eu-west-1:123456789012:function:custom:prod',
          'arn:aws:lambda:eu-west-1:123456789012:function:uncustom',
        ],
      },
    ]);
  });

  it('wildcards only the templated name segment and says why', () => {
    const statements = iamStatementsFor(parseRunbookRules(defaultRunbookRules), env);
    const reboot = statements.find((s) => s.actions.includes('ec2:RebootInstances'));
    expect(reboot).toEqual({
      actions: ['ec2:CreateTags', 'ec2:RebootInstances'],
      resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/*'],
      reason: expect.stringContaining('named at run time'),
    });
    const alias = statements.find((s) => s.actions.includes('lambda:UpdateAlias'));
    expect(alias?.resources).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:function:*',
      'arn:aws:lambda:eu-west-1:123456789012:function:*:*',
    ]);
  });

  it('never grants a wildcard action, for the default rules or any configured step', () => {
    for (const rules of [literal, parseRunbookRules(defaultRunbookRules)]) {
      for (const s of iamStatementsFor(rules, env)) {
        for (const action of s.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        // A resource that is wildcarded carries the reason a reviewer (and cdk-nag) needs.
        // (The `*` for an Auto Scaling group's id is part of its ARN format, not a choice.)
        const wildcarded = s.resources.some((r) =>
          r.replace(':autoScalingGroup:*:', ':autoScalingGroup:id:').includes('*'),
        );
        if (wildcarded) expect(s.reason).toBeTruthy();
      }
    }
  });

  it('is deterministic and empty for no rules', () => {
    const rules = parseRunbookRules(defaultRunbookRules);
    expect(iamStatementsFor(rules, env)).toEqual(iamStatementsFor(rules, env));
    expect(iamStatementsFor(parseRunbookRules({ version: 1, rules: [] }), env)).toEqual([]);
  });

  it('refuses a wildcard action should a step ever declare one (negative control)', () => {
    expect(() => mergeStatements([{ actions: ['ec2:*'], resources: ['*'] }])).toThrow(
      /Refusing IAM action "ec2:\*"/,
    );
    expect(() => mergeStatements([{ actions: ['*'], resources: ['*'] }])).toThrow(/Refusing/);
    expect(() => mergeStatements([{ actions: ['ec2:Reboot*'], resources: ['*'] }])).toThrow(/Refusing/);
  });
});

describe('verificationIamStatements', () => {
  it('scopes DescribeAlarms to the alarms and explains GetMetricData', () => {
    expect(verificationIamStatements(env, ['orders-5xx', 'fleet-*'])).toEqual([
      {
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fleet-*',
          'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-5xx',
        ],
        reason: expect.stringContaining('name pattern'),
      },
      {
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
        reason: 'cloudwatch:GetMetricData supports no resource-level permissions (read-only).',
      },
    ]);
  });
});
