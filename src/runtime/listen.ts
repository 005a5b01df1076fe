import type { Server } from 'node:http';
import type { HttpApp } from '../http/create-http-app';

/** Listens, turning "port in use" into a message that says which variable to change. */
export function listen(
  app: HttpApp['app'],
  port: number,
  host: string,
  what: string,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    // Keep idle connections longer than clients and load balancers do (often 60 s), so a
    // polling client never reuses a socket the server is closing at that moment.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `${what}: port ${port} on ${host} is already in use. Stop whatever uses it or choose another port (see the configuration table in README.md).`,
          ),
        );
      } else reject(err);
    });
  });
}

/** Closes HTTP servers, waiting for requests in flight. */
export async function closeServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections?.();
        }),
    ),
  );
}
