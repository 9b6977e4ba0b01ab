/**
 * A request handler for SDK v3 clients that records each serialized HTTP request and answers with a canned HTTP
 * response, so adapter tests exercise the SDK's real serializers and parsers without a network.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface CannedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type Responder = (request: RecordedRequest) => CannedResponse;

export interface RecordingHandler {
  readonly requests: RecordedRequest[];
  /** Pass as `requestHandler` in the client config. */
  readonly handler: {
    handle(request: {
      method: string;
      hostname: string;
      path: string;
      query?: Record<string, unknown>;
      headers: Record<string, string>;
      body?: unknown;
    }): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }>;
    updateHttpClientConfig(): void;
    httpHandlerConfigs(): Record<string, never>;
  };
}

export function recordingHandler(respond: Responder): RecordingHandler {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    handler: {
      async handle(request) {
        const body =
          typeof request.body === 'string'
            ? request.body
            : request.body instanceof Uint8Array
              ? new TextDecoder().decode(request.body)
              : '';
        const recorded: RecordedRequest = {
          method: request.method,
          hostname: request.hostname,
          path: request.path,
          query: { ...(request.query ?? {}) },
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
          body,
        };
        requests.push(recorded);
        const canned = respond(recorded);
        return {
          response: {
            statusCode: canned.status ?? 200,
            headers: { ...(canned.headers ?? {}) },
            body: new TextEncoder().encode(canned.body ?? ''),
          },
        };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs() {
        return {};
      },
    },
  };
}

/** Client options for a test: fixed region and credentials, one attempt (retries are Step Functions' job). */
export function clientConfig(handler: RecordingHandler['handler']) {
  return {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: handler,
  };
}

/** `x-amz-target` of a JSON-protocol request, e.g. `AmazonEC2ContainerServiceV20141113.UpdateService`. */
export const target = (r: RecordedRequest): string => r.headers['x-amz-target'] ?? '';

/** The form parameters of a query-protocol (EC2, Auto Scaling) request. */
export const form = (r: RecordedRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(r.body));

export const json = (r: RecordedRequest): Record<string, unknown> => JSON.parse(r.body || '{}');
