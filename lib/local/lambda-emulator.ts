import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lambdaContext } from './lambda-context.js';

export type LocalFunction = (event: unknown, context: unknown) => Promise<unknown> | unknown;

/**
 * The Lambda Invoke API (REST JSON, `POST /2015-03-31/functions/{name}/invocations`) for functions registered
 * in-process, so a runbook's "invoke a user's Lambda" step runs its real SDK adapter locally. Errors come back
 * the way Lambda reports them: status 200, `X-Amz-Function-Error: Unhandled`, `{ errorType, errorMessage }`.
 */
export class LambdaEmulator {
  private readonly functions = new Map<string, LocalFunction>();
  private server: Server | undefined;
  endpoint = '';

  register(name: string, fn: LocalFunction): void {
    this.functions.set(name, fn);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
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
    const raw = Buffer.concat(chunks).toString();
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
