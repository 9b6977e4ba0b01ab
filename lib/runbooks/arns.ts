import type { ArnEnv } from './step.js';
import { templateWildcard } from './template.js';

/**
 * ARNs for the resources runbook steps act on, formed from configured names. A name that is a template
 * (`{{suspect}}`) becomes `*` in its segment: the grant then covers that resource type in this account and region.
 */
const arn = (env: ArnEnv, service: string, resource: string): string =>
  `arn:${env.partition}:${service}:${env.region}:${env.account}:${resource}`;

export const ecsServiceArn = (env: ArnEnv, cluster: string, service: string): string =>
  arn(env, 'ecs', `service/${templateWildcard(cluster)}/${templateWildcard(service)}`);

export const ec2InstanceArn = (env: ArnEnv, instanceId: string): string =>
  arn(env, 'ec2', `instance/${templateWildcard(instanceId)}`);

/** The `*` is the group's UUID, which is not known from its name. */
export const autoScalingGroupArn = (env: ArnEnv, groupName: string): string =>
  arn(env, 'autoscaling', `autoScalingGroup:*:autoScalingGroupName/${templateWildcard(groupName)}`);

export const lambdaFunctionArn = (env: ArnEnv, functionName: string, qualifier?: string): string =>
  arn(
    env,
    'lambda',
    `function:${templateWildcard(functionName)}${qualifier === undefined ? '' : `:${templateWildcard(qualifier)}`}`,
  );

export const cloudWatchAlarmArn = (env: ArnEnv, alarmName: string): string =>
  arn(env, 'cloudwatch', `alarm:${templateWildcard(alarmName)}`);
