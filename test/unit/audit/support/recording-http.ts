/**
 * A request handler for SDK v3 clients that records each serialized request and answers with a canned response:
 * adapter tests run the SDK's real serializers and parsers with no network. (The same approach as the runbook
 * adapter tests; kept here so the audit tests do not depend on another module's test support.)
 */
export interface RecordedRequest {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

export type Responder = (request: RecordedRequest) => { status?: number; body: unknown };

export function recordingClientConfig(respond: Responder) {
  const requests: RecordedRequest[] = [];
  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const raw =
        typeof request.body === 'string'
          ? request.body
          : request.body instanceof Uint8Array
            ? new TextDecoder().decode(request.body)
            : '';
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const recorded = { target: headers['x-amz-target'] ?? '', body: JSON.parse(raw || '{}') };
      requests.push(recorded);
      const canned = respond(recorded);
      return {
        response: {
          statusCode: canned.status ?? 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: new TextEncoder().encode(JSON.stringify(canned.body)),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
  return {
    requests,
    config: {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
      requestHandler,
    },
  };
}
