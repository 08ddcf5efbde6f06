import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers every request with one fixed status and body: a stand-in for
 * targets the simulator cannot play (servers with other manifests, or not a runtime at all).
 */
export const startJsonTarget = async (status: number, body: unknown): Promise<{ baseUrl: string; close(): Promise<void> }> => {
  const server: Server = createServer((_request, response) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
