import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { LambdaRunbookAdapter } from '../../../../lib/adapters/lambda-runbook-adapter.js';
import { clientConfig, json, type RecordedRequest, recordingHandler } from '../support/recording-http.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

function adapter(
  respond: (r: RecordedRequest) => { status?: number; body?: string; headers?: Record<string, string> },
) {
  const rec = recordingHandler((r) => ({ headers: JSON_HEADERS, ...respond(r) }));
  return { rec, lambda: new LambdaRunbookAdapter(new LambdaClient(clientConfig(rec.handler))) };
}

describe('LambdaRunbookAdapter', () => {
  it('gets an alias', async () => {
    const { rec, lambda } = adapter(() => ({
      body: JSON.stringify({ Name: 'live', FunctionVersion: '7', Description: 'prod', RevisionId: 'rev-1' }),
    }));
    await expect(lambda.getAlias('orders', 'live')).resolves.toEqual({
      functionVersion: '7',
      description: 'prod',
      revisionId: 'rev-1',
    });
    expect(rec.requests[0]).toMatchObject({
      method: 'GET',
      hostname: 'lambda.eu-west-1.amazonaws.com',
      path: '/2015-03-31/functions/orders/aliases/live',
    });
  });

  it('lists published versions across pages, without $LATEST', async () => {
    const { rec, lambda } = adapter((r) =>
      r.query.Marker === undefined
        ? { body: JSON.stringify({ Versions: [{ Version: '$LATEST' }, { Version: '1' }], NextMarker: 'p2' }) }
        : { body: JSON.stringify({ Versions: [{ Version: '2' }, { Version: '10' }] }) },
    );
    await expect(lambda.listVersions('orders')).resolves.toEqual(['1', '2', '10']);
    expect(rec.requests.map((r) => [r.path, r.query])).toEqual([
      ['/2015-03-31/functions/orders/versions', { MaxItems: '50' }],
      ['/2015-03-31/functions/orders/versions', { MaxItems: '50', Marker: 'p2' }],
    ]);
  });

  it('updates an alias conditioned on its revision, clearing weighted routing', async () => {
    const { rec, lambda } = adapter(() => ({ body: JSON.stringify({ FunctionVersion: '6' }) }));
    await lambda.updateAlias('orders', 'live', {
      functionVersion: '6',
      description: 'd',
      revisionId: 'rev-1',
    });
    expect(rec.requests[0]).toMatchObject({
      method: 'PUT',
      path: '/2015-03-31/functions/orders/aliases/live',
    });
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({
      FunctionVersion: '6',
      Description: 'd',
      RevisionId: 'rev-1',
      RoutingConfig: { AdditionalVersionWeights: {} },
    });
  });

  it('maps a revision conflict to TransientRunbookError and a missing alias to RunbookTargetNotFoundError', async () => {
    const conflict = adapter(() => ({
      status: 412,
      headers: { ...JSON_HEADERS, 'x-amzn-errortype': 'PreconditionFailedException' },
      body: JSON.stringify({ Type: 'User', message: 'revision changed' }),
    }));
    await expect(
      conflict.lambda.updateAlias('orders', 'live', {
        functionVersion: '6',
        description: 'd',
        revisionId: 'old',
      }),
    ).rejects.toMatchObject({ name: 'TransientRunbookError', code: 'PreconditionFailedException' });
    const missing = adapter(() => ({
      status: 404,
      headers: { ...JSON_HEADERS, 'x-amzn-errortype': 'ResourceNotFoundException' },
      body: JSON.stringify({ Type: 'User', Message: 'Alias not found' }),
    }));
    await expect(missing.lambda.getAlias('orders', 'live')).rejects.toMatchObject({
      name: 'RunbookTargetNotFoundError',
    });
    const throttled = adapter(() => ({
      status: 429,
      headers: { ...JSON_HEADERS, 'x-amzn-errortype': 'TooManyRequestsException' },
      body: JSON.stringify({ Type: 'User', message: 'Rate exceeded' }),
    }));
    await expect(throttled.lambda.getAlias('orders', 'live')).rejects.toMatchObject({
      name: 'TransientRunbookError',
    });
  });

  it('invokes synchronously with a JSON payload and reads function errors', async () => {
    const { rec, lambda } = adapter(() => ({
      headers: {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
        'x-amz-executed-version': '3',
      },
      body: JSON.stringify({ errorType: 'Error', errorMessage: 'nope' }),
    }));
    const out = await lambda.invoke('custom-step', 'live', { hello: 'world' });
    expect(out).toEqual({
      statusCode: 200,
      functionError: 'Unhandled',
      executedVersion: '3',
      payload: { errorType: 'Error', errorMessage: 'nope' },
    });
    expect(rec.requests[0]).toMatchObject({
      method: 'POST',
      path: '/2015-03-31/functions/custom-step/invocations',
      query: { Qualifier: 'live' },
      headers: expect.objectContaining({ 'x-amz-invocation-type': 'RequestResponse' }),
    });
    expect(json(rec.requests[0] as RecordedRequest)).toEqual({ hello: 'world' });
  });
});
