import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FaultlineStack } from './faultline-stack.js';

/** `npx cdk synth` / `npx cdk deploy`. Settings come from context (cdk.json or `-c key=value`). */
const app = new App();
const list = (key: string): string[] | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : String(value).split(',').filter(Boolean);
};
new FaultlineStack(app, app.node.tryGetContext('stackName') ?? 'Faultline', {
  faultHandling: {
    alarmNamePrefixes: list('alarmNamePrefixes'),
    logGroupNames: list('logGroupNames'),
    dryRun: app.node.tryGetContext('dryRun') === 'true' || app.node.tryGetContext('dryRun') === true,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
