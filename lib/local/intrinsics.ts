/**
 * Resolves the CloudFormation intrinsic functions that a synthesized Faultline template uses (Ref, Fn::GetAtt,
 * Fn::Join, Fn::Sub, Fn::Select, pseudo parameters) against the local runtime's resources, so the state machine
 * definition and function environments can be used exactly as synthesized.
 */
export interface IntrinsicContext {
  readonly region: string;
  readonly account: string;
  /** Value of `Ref` for a logical id. */
  ref(logicalId: string): string;
  /** Value of `Fn::GetAtt` for a logical id and attribute. */
  getAtt(logicalId: string, attribute: string): string;
}

export class UnresolvableIntrinsicError extends Error {
  override readonly name = 'UnresolvableIntrinsicError';
}

export function resolveIntrinsics(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, ctx));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    switch (key) {
      case 'Ref':
        return pseudo(String(arg), ctx) ?? ctx.ref(String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return ctx.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolveIntrinsics(parts, ctx) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (resolveIntrinsics(list, ctx) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return String(resolveIntrinsics(source, ctx)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        const resolvedVars = resolveIntrinsics(vars, ctx) as Record<string, unknown>;
        return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in resolvedVars) return String(resolvedVars[name]);
          const p = pseudo(name, ctx);
          if (p !== undefined) return p;
          if (name.includes('.')) {
            const [id, attr] = name.split('.') as [string, string];
            return ctx.getAtt(id, attr);
          }
          return ctx.ref(name);
        });
      }
      default:
        if (key.startsWith('Fn::')) throw new UnresolvableIntrinsicError(`Unsupported intrinsic ${key}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, ctx)]));
}

function pseudo(name: string, ctx: IntrinsicContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return 'Faultline';
    default:
      return undefined;
  }
}
