import { App } from 'aws-cdk-lib';
import { LOCAL_SYNTH_CONTEXT } from '../../cdk/constructs/faultline-function.js';
import { FaultlineStack, type FaultlineStackProps } from '../../cdk/faultline-stack.js';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/**
 * Synthesizes the Faultline stack in-process and returns its CloudFormation template: the same template
 * `cdk synth` produces, minus Lambda bundling (the local runtime runs the handlers from source).
 */
export function synthesizeTemplate(props: FaultlineStackProps = {}): CfnTemplate {
  const app = new App({
    // `cdk synth` validates the template against CloudFormation's rules; here that is repeated work (seconds).
    builtinCloudFormationValidation: false,
    // An empty bundling list skips esbuild for every stack: assets are placeholders, the template is otherwise the same.
    context: { 'aws:cdk:bundling-stacks': [], [LOCAL_SYNTH_CONTEXT]: true },
  });
  const stack = new FaultlineStack(app, 'Faultline', props);
  const assembly = app.synth();
  return assembly.getStackArtifact(stack.artifactId).template as CfnTemplate;
}
