import {
  GetAliasCommand,
  InvokeCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaAliasState, LambdaInvokeResult, LambdaRunbookPort } from '../runbooks/ports.js';
import { call } from './runbook-sdk-errors.js';

/**
 * The runbook steps' Lambda port on an injected SDK v3 client.
 *
 * @example
 * const ports = { lambda: new LambdaRunbookAdapter(new LambdaClient({})) };
 */
export class LambdaRunbookAdapter implements LambdaRunbookPort {
  constructor(private readonly client: LambdaClient) {}

  async getAlias(functionName: string, alias: string): Promise<LambdaAliasState> {
    const out = await call('lambda:GetAlias', () =>
      this.client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })),
    );
    return {
      functionVersion: out.FunctionVersion ?? '',
      description: out.Description ?? '',
      revisionId: out.RevisionId ?? '',
    };
  }

  async listVersions(functionName: string): Promise<string[]> {
    const versions: string[] = [];
    let marker: string | undefined;
    // Bounded: 50 pages of 50 is far more versions than anyone keeps; a runaway NextMarker must not loop forever.
    for (let page = 0; page < 50; page++) {
      const out = await call('lambda:ListVersionsByFunction', () =>
        this.client.send(
          new ListVersionsByFunctionCommand({
            FunctionName: functionName,
            MaxItems: 50,
            ...(marker ? { Marker: marker } : {}),
          }),
        ),
      );
      for (const v of out.Versions ?? []) if (v.Version && v.Version !== '$LATEST') versions.push(v.Version);
      marker = out.NextMarker;
      if (!marker) break;
    }
    return versions;
  }

  async updateAlias(
    functionName: string,
    alias: string,
    update: { functionVersion: string; description: string; revisionId: string },
  ): Promise<void> {
    await call('lambda:UpdateAlias', () =>
      this.client.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: update.functionVersion,
          Description: update.description,
          // Clear weighted (canary) routing: a rollback sends all traffic to one version.
          RoutingConfig: { AdditionalVersionWeights: {} },
          ...(update.revisionId ? { RevisionId: update.revisionId } : {}),
        }),
      ),
    );
  }

  async invoke(
    functionName: string,
    qualifier: string | undefined,
    payload: unknown,
  ): Promise<LambdaInvokeResult> {
    const out = await call('lambda:InvokeFunction', () =>
      this.client.send(
        new InvokeCommand({
          FunctionName: functionName,
          ...(qualifier ? { Qualifier: qualifier } : {}),
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      ),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: keep the text as the function returned it.
    }
    return {
      statusCode: out.StatusCode ?? 0,
      ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
      ...(out.ExecutedVersion ? { executedVersion: out.ExecutedVersion } : {}),
      payload: parsed,
    };
  }
}
