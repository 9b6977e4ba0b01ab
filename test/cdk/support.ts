import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LOCAL_SYNTH_CONTEXT } from '../../cdk/constructs/faultline-function.js';
import { FaultlineStack, type FaultlineStackProps } from '../../cdk/faultline-stack.js';

/**
 * An app as `cdk synth` builds it, minus esbuild bundling (asset hashes are the only difference in the
 * template), with cdk-nag's AwsSolutions pack registered the v3 way.
 */
export function nagApp(): App {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], [LOCAL_SYNTH_CONTEXT]: true },
    builtinCloudFormationValidation: false,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

export function synthStack(props: FaultlineStackProps = {}): { stack: FaultlineStack; template: Template } {
  const app = nagApp();
  const stack = new FaultlineStack(app, 'Faultline', props);
  return { stack, template: Template.fromStack(stack) };
}

/** Runs the validation plugins (cdk-nag) by synthesizing the whole app; returns the error text, or null. */
export function nagErrors(app: App): string | null {
  try {
    app.synth({ force: true });
    return null;
  } catch (error) {
    return error instanceof Error ? `${error.message}` : String(error);
  }
}

export type { Stack };
