import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { FaultlineStack } from '../../cdk/faultline-stack.js';
import { nagApp, nagErrors } from './support.js';

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error in the Faultline stack', () => {
    const app = nagApp();
    new FaultlineStack(app, 'Faultline', {
      faultHandling: { alarmNamePrefixes: ['checkout-'], logGroupNames: ['/app/checkout'] },
    });
    expect(nagErrors(app)).toBeNull();
  });

  it('catches a wildcard grant (negative control for the check above)', () => {
    const app = nagApp();
    const stack = new FaultlineStack(app, 'Faultline', {});
    const role = new iam.Role(Stack.of(stack), 'Careless', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(nagErrors(app)).toMatch(/AwsSolutions-IAM5/);
  });
});
