import { describe, expect, it } from 'vitest';
import { resolveIntrinsics, UnresolvableIntrinsicError } from '../../../lib/local/intrinsics.js';

const ctx = {
  region: 'us-east-1',
  account: '000000000000',
  ref: (id: string) => `ref(${id})`,
  getAtt: (id: string, attr: string) => `att(${id}.${attr})`,
};

describe('resolveIntrinsics', () => {
  it('resolves Fn::Join over Ref, Fn::GetAtt and pseudo parameters', () => {
    const value = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':', { 'Fn::GetAtt': ['Fn', 'Arn'] }, ':', { Ref: 'Q' }],
      ],
    };
    expect(resolveIntrinsics(value, ctx)).toBe('arn:aws:att(Fn.Arn):ref(Q)');
  });

  it('resolves Fn::Sub with variables, attributes and pseudo parameters', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template.
    const value = { 'Fn::Sub': ['${AWS::Region}/${Table}/${Fn.Arn}/${X}', { X: { Ref: 'Y' } }] };
    expect(resolveIntrinsics(value, ctx)).toBe('us-east-1/ref(Table)/att(Fn.Arn)/ref(Y)');
  });

  it('walks nested objects and arrays, leaving plain values alone', () => {
    expect(resolveIntrinsics({ a: [1, { Ref: 'B' }], c: 'd' }, ctx)).toEqual({ a: [1, 'ref(B)'], c: 'd' });
  });

  it('refuses intrinsics it does not know instead of passing them through', () => {
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'x' }, ctx)).toThrow(UnresolvableIntrinsicError);
  });
});
