import { describe, expect, it } from 'vitest';
import { defaultRunbookRules } from '../../../lib/runbooks/default-rules.js';
import { InvalidRunbookRulesError } from '../../../lib/runbooks/errors.js';
import { parseRunbookRules } from '../../../lib/runbooks/rules.js';

function issues(input: unknown): readonly string[] {
  try {
    parseRunbookRules(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunbookRulesError);
    expect((error as Error).name).toBe('InvalidRunbookRulesError');
    return (error as InvalidRunbookRulesError).issues;
  }
  throw new Error('expected the rules to be rejected');
}

const oneStep = (step: unknown) => ({
  version: 1,
  rules: [{ name: 'r', match: {}, runbooks: [{ name: 'rb', steps: [step] }] }],
});

describe('parseRunbookRules', () => {
  it('accepts the default rules and applies step defaults', () => {
    const rules = parseRunbookRules(defaultRunbookRules);
    expect(rules.rules.map((r) => r.name)).toEqual([
      'fleet-node',
      'ecs-service',
      'asg-instance',
      'lambda-alias',
    ]);
    const replace = rules.rules[2]?.runbooks[0]?.steps[0];
    expect(replace?.params).toMatchObject({ mode: 'terminate' });
  });

  it('accepts JSON text', () => {
    expect(parseRunbookRules(JSON.stringify(defaultRunbookRules)).rules).toHaveLength(4);
    expect(issues('{"version":1,')).toEqual([expect.stringMatching(/^not valid JSON/)]);
  });

  it('names an unknown step kind and lists the known ones', () => {
    expect(issues(oneStep({ kind: 'ec2.explode', params: {} }))).toEqual([
      expect.stringMatching(
        /^rules\[0\]\.runbooks\[0\]\.steps\[0\]\.kind: unknown step kind; expected one of ring\.drain, /,
      ),
    ]);
  });

  it('reports bad parameters and template mistakes by path', () => {
    expect(
      issues(
        oneStep({
          kind: 'ecs.scaleOut',
          params: { cluster: '{{dimension.X}}', service: '{{suspect}', by: 0, max: 5 },
        }),
      ),
    ).toEqual([
      'rules[0].runbooks[0].steps[0].params.cluster: unknown variable "dimension" in {{dimension.X}}',
      'rules[0].runbooks[0].steps[0].params.service: unbalanced "{{ }}" in "{{suspect}"',
      expect.stringMatching(/^rules\[0\]\.runbooks\[0\]\.steps\[0\]\.params\.by: Too small/),
    ]);
    expect(issues(oneStep({ kind: 'ec2.reboot', params: { instanceId: '{{suspect|upper}}' } }))).toEqual([
      'rules[0].runbooks[0].steps[0].params.instanceId: unknown filter "upper" in {{suspect|upper}}',
    ]);
    expect(issues(oneStep({ kind: 'ec2.reboot', params: { instanceId: 'i-1', force: true } }))).toEqual([
      expect.stringContaining('params: Unrecognized key: "force"'),
    ]);
  });

  it('rejects unknown keys, duplicate names, empty runbooks and a missing version', () => {
    expect(
      issues({
        version: 1,
        rules: [
          { name: 'a', match: { alarm: 'x' }, runbooks: [{ name: 'rb', steps: [] }] },
          {
            name: 'a',
            match: {},
            runbooks: [{ name: 'rb', steps: [{ kind: 'ec2.reboot', params: { instanceId: 'i' } }] }],
          },
        ],
      }),
    ).toEqual([
      'rules[0].match: Unrecognized key: "alarm"',
      expect.stringMatching(/^rules\[0\]\.runbooks\[0\]\.steps: Too small/),
      'rules[1].name: duplicate rule name "a"',
    ]);
    expect(issues({ rules: [] })).toEqual([expect.stringMatching(/^version: /)]);
  });
});
