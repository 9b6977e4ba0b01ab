import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FaultHandling, type FaultHandlingProps } from './constructs/fault-handling.js';

export interface FaultlineStackProps extends StackProps {
  readonly faultHandling?: FaultHandlingProps;
}

/** A standalone deployment of Faultline: one FaultHandling with the settings from cdk.json context. */
export class FaultlineStack extends Stack {
  public readonly faultHandling: FaultHandling;

  constructor(scope: Construct, id: string, props: FaultlineStackProps = {}) {
    super(scope, id, props);
    this.faultHandling = new FaultHandling(this, 'FaultHandling', props.faultHandling);
  }
}
