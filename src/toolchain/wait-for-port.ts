import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

const POLL_INTERVAL_MS = 100;

/** A free TCP port on 127.0.0.1, found by letting the OS pick one and releasing it. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once 127.0.0.1:`port` accepts a TCP connection. Rejects when `child` exits first or
 * `timeoutMs` passes.
 */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before listening`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs}ms`);
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `count` consecutive ports that were free a moment ago (e.g. the arms' ARMS_BASE_PORT … +4). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const servers: net.Server[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(base + i, '127.0.0.1', () => resolve());
        });
        servers.push(server);
      }
      return base;
    } catch {
      // taken: try another base
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error(`no run of ${count} free ports found`);
}
