import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../../lib/runbooks/glob.js';
import { resolveTemplate, templateProblems, templateWildcard } from '../../../lib/runbooks/template.js';

const scope = {
  alarmName: 'orders-5xx',
  namespace: 'AWS/Lambda',
  suspect: 'i-0abc',
  dimensions: { FunctionName: 'orders', Resource: 'orders:live' },
};

describe('templates', () => {
  it('resolves variables and filters', () => {
    expect(resolveTemplate('{{dimensions.Resource|qualifier}}', scope)).toBe('live');
    expect(resolveTemplate('{{ dimensions.Resource | base }}', scope)).toBe('orders');
    expect(resolveTemplate('node {{suspect}} of {{alarmName}}', scope)).toBe('node i-0abc of orders-5xx');
    expect(resolveTemplate('plain', scope)).toBe('plain');
  });

  it('is unresolved when a variable is missing or empty', () => {
    expect(resolveTemplate('{{resource}}', scope)).toBeUndefined();
    expect(resolveTemplate('{{dimensions.ClusterName}}', scope)).toBeUndefined();
    expect(resolveTemplate('{{dimensions.FunctionName|qualifier}}', scope)).toBeUndefined();
    expect(resolveTemplate('{{dimensions.toString}}', scope)).toBeUndefined();
  });

  it('finds mistakes', () => {
    expect(templateProblems('{{suspect}}')).toEqual([]);
    expect(templateProblems('{{dimensions}}')).toEqual(['{{dimensions}} needs a name: {{dimensions.Name}}']);
    expect(templateProblems('{{suspect.id}}')).toEqual(['"suspect" has no fields ({{suspect.id}})']);
    expect(templateProblems('a }} b')).toEqual(['unbalanced "{{ }}" in "a }} b"']);
  });

  it('turns templates into IAM wildcards', () => {
    expect(templateWildcard('svc-{{alarmName}}-{{suspect}}')).toBe('svc-*-*');
    expect(templateWildcard('{{suspect}}{{alarmName}}')).toBe('*');
  });
});

/** Reference glob semantics via a regex built from escaped literals (fine for a test oracle). */
function reference(pattern: string, text: string): boolean {
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}

describe('globMatch', () => {
  it('matches like the reference on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '-');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: alphabet, maxLength: 10 }),
        (p, t) => {
          expect(globMatch(p, t)).toBe(reference(p, t));
        },
      ),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('handles the cases rules use', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('*:*', 'orders:live')).toBe(true);
    expect(globMatch('*:*', 'orders')).toBe(false);
    expect(globMatch('i-*', 'i-0abc')).toBe(true);
    expect(globMatch('orders-?xx', 'orders-5xx')).toBe(true);
  });

  it('stays fast on a pathological pattern', () => {
    const pattern = `${'*a'.repeat(30)}b`;
    expect(globMatch(pattern, 'a'.repeat(5000))).toBe(false);
  });
});
