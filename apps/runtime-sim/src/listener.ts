import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { FastifyInstance } from 'fastify';
import { Listener } from './faults';
import { isSimAdminPath } from './http/app';

/**
 * A plain node HTTP server in front of the fastify router, so `down` can really close the port
 * (connections refused) and `up` can listen on the same port again, which a fastify instance
 * cannot do once closed.
 */
export class SimListener implements Listener {
  private server: Server | null = null;
  private readonly hung = new Set<ServerResponse>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly host: string,
    private port: number,
    private readonly options: { readonly adminOnly: boolean; readonly hanging: () => boolean },
  ) {}

  get boundPort(): number {
    return this.port;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.releaseHung();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would otherwise keep answering after the "outage".
    server.closeAllConnections();
    await closed;
  }

  releaseHung(): void {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const admin = isSimAdminPath(request.url);
    if (this.options.adminOnly && !admin) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Admin port serves /__sim only.', reason: 'not_found' }));
      return;
    }
    if (!admin && this.options.hanging()) {
      // Accept and hold: the client sees a connection that never answers.
      this.hung.add(response);
      response.once('close', () => this.hung.delete(response));
      return;
    }
    this.app.routing(request, response);
  }
}
