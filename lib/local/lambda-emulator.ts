import type { IncomingMessage, ServerResponse } from 'node:http';
import { lambdaContext } from './lambda-context.js';
import { LoopbackServer, readBody } from './loopback-server.js';

export type LocalFunction = (event: unknown, context: unknown) => Promise<unknown> | unknown;

/**
 * The Lambda Invoke API (REST JSON, `POST /2015-03-31/functions/{name}/invocations`) for functions registered
 * in-process, so a runbook's "invoke a user's Lambda" step runs its real SDK adapter locally. Errors come back
 * the way Lambda reports them: status 200, `X-Amz-Function-Error: Unhandled`, `{ errorType, errorMessage }`.
 */
export class LambdaEmulator {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly http = new LoopbackServer((req, res) => this.serve(req, res));

  register(name: string, fn: LocalFunction): void {
    this.functions.set(name, fn);
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  listen(port = 0): Promise<string> {
    return this.http.listen(port);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    const name =
      decodeURIComponent(match?.[1] ?? '')
        .split(':')
        .slice(-1)[0] ?? '';
    const fn = this.functions.get(name) ?? this.functions.get(decodeURIComponent(match?.[1] ?? ''));
    if (!match || !fn) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
      return;
    }
    const asyncInvoke = req.headers['x-amz-invocation-type'] === 'Event';
    try {
      const output = await fn(raw ? JSON.parse(raw) : {}, lambdaContext(name));
      res.writeHead(asyncInvoke ? 202 : 200, {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
      });
      res.end(asyncInvoke ? '' : JSON.stringify(output ?? null));
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] }));
    }
  }
}
