import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { LOCAL_SYNTH_CONTEXT } from '../../cdk/constructs/faultline-function.js';
import { FaultlineStack } from '../../cdk/faultline-stack.js';

const app = () => new App({ context: { 'aws:cdk:bundling-stacks': [], [LOCAL_SYNTH_CONTEXT]: true } });

describe('FaultHandling props', () => {
  it('rejects a blast-radius limit below one, saying what it received', () => {
    expect(() => new FaultlineStack(app(), 'F', { faultHandling: { blastRadiusLimit: 0 } })).toThrow(
      /blastRadiusLimit must be a positive integer, received 0/,
    );
  });

  it('rejects invalid runbook rules with the path of the problem', () => {
    expect(
      () =>
        new FaultlineStack(app(), 'F', {
          faultHandling: { runbookRules: { version: 1, rules: [{ name: 'x', match: {}, runbooks: [] }] } },
        }),
    ).toThrow(/rules\[0\]\.runbooks/);
  });
});
