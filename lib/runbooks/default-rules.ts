import type { RunbookRulesInput } from './rules.js';

/**
 * The rules used when the construct is given none. Each is a sensible first response, not a cure:
 * - `fleet-node`: an alarm carrying a `RingId` dimension with a localized suspect node → drain the node from the
 *   ring, then reboot it (the suspect id is the EC2 instance id); fallback: drain, then stop/start it.
 * - `ecs-service`: an AWS/ECS service alarm → force a new deployment; fallback: scale out by 2 (at most 20).
 * - `asg-instance`: an AWS/EC2 alarm on an Auto Scaling group with a suspect instance → replace that instance;
 *   fallback: scale the group out by 1 (at most 20, and its MaxSize).
 * - `lambda-alias`: an AWS/Lambda alarm on an alias (`Resource` = `function:alias`) → roll the alias back.
 *
 * @example
 * const rules = parseRunbookRules(props.runbookRules ?? defaultRunbookRules);
 */
export const defaultRunbookRules = {
  version: 1,
  rules: [
    {
      name: 'fleet-node',
      match: { dimensions: { RingId: '*' }, suspect: '*' },
      runbooks: [
        {
          name: 'drain-and-reboot',
          steps: [
            { kind: 'ring.drain', params: { ringId: '{{dimensions.RingId}}', nodeId: '{{suspect}}' } },
            { kind: 'ec2.reboot', params: { instanceId: '{{suspect}}' } },
          ],
        },
        {
          name: 'drain-and-stop-start',
          steps: [
            { kind: 'ring.drain', params: { ringId: '{{dimensions.RingId}}', nodeId: '{{suspect}}' } },
            { kind: 'ec2.stopStart', params: { instanceId: '{{suspect}}' } },
          ],
        },
      ],
    },
    {
      name: 'ecs-service',
      match: { namespace: 'AWS/ECS', dimensions: { ClusterName: '*', ServiceName: '*' } },
      runbooks: [
        {
          name: 'force-new-deployment',
          steps: [
            {
              kind: 'ecs.forceNewDeployment',
              params: { cluster: '{{dimensions.ClusterName}}', service: '{{dimensions.ServiceName}}' },
            },
          ],
        },
        {
          name: 'scale-out',
          steps: [
            {
              kind: 'ecs.scaleOut',
              params: {
                cluster: '{{dimensions.ClusterName}}',
                service: '{{dimensions.ServiceName}}',
                by: 2,
                max: 20,
              },
            },
          ],
        },
      ],
    },
    {
      name: 'asg-instance',
      match: { namespace: 'AWS/EC2', dimensions: { AutoScalingGroupName: '*' }, suspect: 'i-*' },
      runbooks: [
        {
          name: 'replace-instance',
          steps: [
            {
              kind: 'autoscaling.replaceInstance',
              params: {
                autoScalingGroupName: '{{dimensions.AutoScalingGroupName}}',
                instanceId: '{{suspect}}',
              },
            },
          ],
        },
        {
          name: 'scale-out',
          steps: [
            {
              kind: 'autoscaling.scaleOut',
              params: { autoScalingGroupName: '{{dimensions.AutoScalingGroupName}}', by: 1, max: 20 },
            },
          ],
        },
      ],
    },
    {
      name: 'lambda-alias',
      match: { namespace: 'AWS/Lambda', dimensions: { FunctionName: '*', Resource: '*:*' } },
      runbooks: [
        {
          name: 'alias-rollback',
          steps: [
            {
              kind: 'lambda.rollbackAlias',
              params: {
                functionName: '{{dimensions.FunctionName}}',
                alias: '{{dimensions.Resource|qualifier}}',
              },
            },
          ],
        },
      ],
    },
  ],
} as const satisfies RunbookRulesInput;
