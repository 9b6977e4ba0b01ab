import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack } from './support.js';

describe('FaultlineStack', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack({
      faultHandling: { alarmNamePrefixes: ['checkout-'], logGroupNames: ['/app/checkout', '/app/payments'] },
    }).template;
  });

  it('routes CloudWatch alarm state changes to detect through EventBridge', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'checkout-' }] },
      },
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Detect'), 'Arn'] },
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
        }),
      ]),
    });
  });

  it('subscribes every configured log group to localize', () => {
    for (const logGroupName of ['/app/checkout', '/app/payments']) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: logGroupName,
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Localize'), 'Arn'] },
      });
    }
  });

  it('defines the recovery workflow as a standard state machine in JSONPath', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines);
    expect(machine?.Properties.StateMachineType).toBe('STANDARD');
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    for (const state of [
      'Begin',
      'Acquire',
      'DecidePlan',
      'RunStep',
      'Verify',
      'Release',
      'Resolve',
      'Escalate',
    ]) {
      expect(definition).toContain(`\\"${state}\\"`);
    }
    expect(definition).not.toContain('JSONata');
    expect(definition).toContain('sqs:sendMessage.waitForTaskToken');
  });

  it('keeps every table on demand, encrypted, with point-in-time recovery', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(3);
    for (const table of Object.values(tables)) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('gives every asynchronously invoked function a DLQ', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const asyncHandlers = ['detect', 'localize', 'audit'];
    for (const fn of Object.values(functions)) {
      const name = fn.Properties.Environment.Variables.FAULTLINE_FUNCTION as string;
      if (asyncHandlers.includes(name)) expect(fn.Properties.DeadLetterConfig?.TargetArn, name).toBeDefined();
    }
    const configs = template.findResources('AWS::Lambda::EventInvokeConfig');
    expect(Object.keys(configs)).toHaveLength(asyncHandlers.length);
  });

  it('runs functions on Node.js 24, arm64, traced, with log retention', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('encrypts every queue and denies requests without TLS', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies.length).toBe(Object.keys(template.findResources('AWS::SQS::Queue')).length);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('grants no wildcard IAM action anywhere', () => {
    const actions: string[] = [];
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        actions.push(...[statement.Action].flat());
      }
    }
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('grants the runbooks exactly the actions their steps declare', () => {
    const runbookPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.includes('RecoveryRunbook'),
    )?.[1];
    const actions = new Set(
      runbookPolicy?.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) =>
        [s.Action].flat(),
      ),
    );
    // The default rules reboot EC2 instances, redeploy ECS services, replace ASG instances, roll back aliases.
    for (const action of ['ec2:RebootInstances', 'ecs:UpdateService', 'lambda:UpdateAlias']) {
      expect(actions.has(action), action).toBe(true);
    }
    expect(actions.has('ec2:TerminateInstances')).toBe(false);
  });

  it('has a dashboard for incidents, recovery time, contention and DLQ depth', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      'IncidentsOpened',
      'TimeToRecover',
      'LeaseContention',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(metric);
    }
  });
});
