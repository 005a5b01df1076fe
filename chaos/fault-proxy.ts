import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a {@link FaultProxy} treats the calls it gets. */
export type FaultMode = 'pass' | 'error500' | 'hang' | 'malformed';

/**
 * An HTTP proxy in front of one arm that can misbehave on demand: pass calls through, answer
 * 500, hang (never answer), or answer 200 with truncated JSON. It counts `/execute` calls per
 * task and step, so a scenario can compare what the arm was asked with what the projection says.
 */
export interface FaultProxy {
  url: string;
  /** Where calls go when passed through (set once the arm's port is known). */
  target: string;
  mode: FaultMode;
  /** `/execute` calls per `task_id/step id`, whatever the mode. */
  readonly calls: Map<string, number>;
  /** Drops the calls held by `hang` (their connections reset), as a restarted arm would. */
  dropHanging(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(): Promise<FaultProxy> {
  const hanging = new Set<http.ServerResponse>();
  const proxy: FaultProxy = {
    url: '',
    target: '',
    mode: 'pass',
    calls: new Map(),
    dropHanging: () => {
      for (const res of hanging) res.destroy();
    },
    close: async () => {
      proxy.dropHanging();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/execute') count(proxy.calls, body);
      switch (proxy.mode) {
        case 'error500':
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'injected fault' } }));
          return;
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"output": {"text": "cut sho');
          return;
        case 'pass':
          if (proxy.target) forward(proxy.target, req, body, res);
          else res.writeHead(503).end(); // the arm's port is not known yet
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function count(calls: Map<string, number>, body: Buffer): void {
  try {
    const call = JSON.parse(body.toString('utf8')) as { task_id?: string; step?: { id?: string } };
    const key = `${call.task_id}/${call.step?.id}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  } catch {
    // not JSON: not a step call
  }
}

function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
  res: http.ServerResponse,
): void {
  const upstream = http.request(
    `${target}${req.url}`,
    { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  // The worker gave up (cancellation, timeout): so does the call to the arm.
  res.on('close', () => upstream.destroy());
  upstream.end(body);
}
