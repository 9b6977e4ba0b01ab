import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** An HTTP server on a free loopback port, for the runtime's small AWS API emulators. */
export class LoopbackServer {
  private server: Server | undefined;
  endpoint = '';

  constructor(private readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {}

  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    this.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}

/** The request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
