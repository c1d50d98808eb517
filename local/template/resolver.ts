/** What a resource resolves to: `Ref` and each `Fn::GetAtt` attribute. */
export interface ResolvedIdentity {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ResolverContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  identityOf(logicalId: string): ResolvedIdentity | undefined;
  parameterDefault?(name: string): unknown;
}

type Json = unknown;

/**
 * Resolves CloudFormation intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`, pseudo parameters) against the local resources, so environment variables,
 * event source mappings and state machine definitions point at the emulators' queues, tables and
 * functions. Unknown intrinsics throw: a silent wrong value would be worse than a clear error.
 *
 * @example
 * const resolver = new TemplateResolver(context);
 * const env = resolver.resolve(fn.Properties.Environment.Variables) as Record<string, string>;
 */
export class TemplateResolver {
  constructor(private readonly context: ResolverContext) {}

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref') return this.ref(arg as string);
      if (key.startsWith('Fn::')) return this.intrinsic(key, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return this.context.region;
      case 'AWS::AccountId':
        return this.context.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.context.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.context.region}:${this.context.accountId}:stack/${this.context.stackName}/local`;
      case 'AWS::NoValue':
        return undefined;
      default:
        return undefined;
    }
  }

  private ref(name: string): Json {
    if (name.startsWith('AWS::')) return this.pseudo(name);
    const identity = this.context.identityOf(name);
    if (identity) return identity.ref;
    const parameter = this.context.parameterDefault?.(name);
    if (parameter !== undefined) return parameter;
    throw new Error(`cannot resolve Ref ${name}: no such local resource or parameter`);
  }

  private getAtt(arg: Json): string {
    const [logicalId, attribute] = typeof arg === 'string' ? (arg.split('.', 2) as [string, string]) : (arg as [string, string]);
    const identity = this.context.identityOf(logicalId);
    const value = identity && Object.hasOwn(identity.attributes, attribute) ? identity.attributes[attribute] : undefined;
    if (value === undefined) throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} locally`);
    return value;
  }

  private intrinsic(name: string, arg: Json): Json {
    switch (name) {
      case 'Fn::GetAtt':
        return this.getAtt(arg);
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, Json[]];
        return (this.resolve(parts) as Json[]).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [Json, Json];
        return (this.resolve(list) as Json[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, Json];
        return String(this.resolve(source)).split(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(arg))).toString('base64');
      default:
        throw new Error(`intrinsic ${name} is not supported by the local runtime`);
    }
  }

  private sub(arg: Json): string {
    const [template, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, Json>]);
    const resolvedVars = this.resolve(vars) as Record<string, Json>;
    return template.replace(/\$\{([^}]+)\}/g, (_, expr: string) => {
      if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
      if (Object.hasOwn(resolvedVars, expr)) return String(resolvedVars[expr]);
      if (expr.includes('.')) return this.getAtt(expr);
      return String(this.ref(expr));
    });
  }
}
