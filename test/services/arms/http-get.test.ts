import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../../src/http/app-error';
import { createHostAllowlist } from '../../../src/services/arms/executor/host-allowlist';
import {
  DEFAULT_HTTP_GET_LIMITS,
  httpGet,
  type HttpGetLimits,
} from '../../../src/services/arms/executor/http-get';
import { rejectionOf } from '../../support/rejection';

// A real HTTP server on 127.0.0.1; "localhost" names the same server under a host that is
// not on the allowlist, which is how an off-list redirect is tested without the internet.
let server: http.Server;
let port: number;
let base: string;
const allowed = () => createHostAllowlist(['127.0.0.1']);
const limits = (over: Partial<HttpGetLimits> = {}): HttpGetLimits => ({
  ...DEFAULT_HTTP_GET_LIMITS,
  timeoutMs: 2_000,
  ...over,
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify({ rates: { EUR: 1, USD: 1.08 }, note: 'Grüße' }));
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('x'.repeat(5_000));
      case '/missing':
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not here');
      case '/broken':
        res.writeHead(502, { 'content-type': 'text/plain' });
        return res.end('bad gateway');
      case '/busy':
        res.writeHead(429);
        return res.end();
      case '/image':
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(Buffer.alloc(64, 1));
      case '/declared-big':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000000' });
        return res.write('x'); // never finishes: the declared size alone is refused
      case '/streamed-big':
        // Chunked, no content-length: only counting the bytes catches it.
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 30; i += 1) res.write('y'.repeat(64 * 1024));
        return res.end();
      case '/slow':
        return setTimeout(() => res.end('late'), 3_000).unref();
      case '/redirect-inside':
        res.writeHead(302, { location: `http://127.0.0.1:${port}/json` });
        return res.end();
      case '/redirect-outside':
        res.writeHead(302, { location: `http://localhost:${port}/json` });
        return res.end();
      default:
        res.writeHead(500);
        return res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const failure = (promise: Promise<unknown>) => rejectionOf(promise, AppError);

test('fetches from an allowlisted host: status, content type, text and parsed JSON', async () => {
  const result = await httpGet(`${base}/json`, allowed(), limits());
  expect(result).toEqual({
    tool: 'http_get',
    url: `${base}/json`,
    final_url: `${base}/json`,
    status: 200,
    content_type: 'application/json; charset=utf-8',
    bytes: expect.any(Number),
    text: '{"rates":{"EUR":1,"USD":1.08},"note":"Grüße"}',
    truncated: false,
    json: { rates: { EUR: 1, USD: 1.08 }, note: 'Grüße' },
  });
});

test('every host is refused while the allowlist is empty, with a clear error', async () => {
  const error = await failure(httpGet(`${base}/json`, createHostAllowlist([]), limits()));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(/allowlist is empty, so every host is refused/);
});

test('a host not on the allowlist is refused before any request is made', async () => {
  const list = createHostAllowlist(['api.example.org', '*.example.net', '127.0.0.1:1']);
  const error = await failure(httpGet(`${base}/json`, list, limits()));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(
    /host not on the allowlist \(api\.example\.org, \*\.example\.net, 127\.0\.0\.1:1\)/,
  );
});

test('the allowlist matches hosts, ports and subdomain wildcards exactly', () => {
  const list = createHostAllowlist(['API.example.org', '*.example.net', '127.0.0.1:8080']);
  const allows = (url: string) => list.allows(new URL(url));
  expect(allows('https://api.example.org/x')).toBe(true);
  expect(allows('https://api.example.org:8443/x')).toBe(true);
  expect(allows('https://evil-api.example.org/x')).toBe(false);
  expect(allows('https://a.b.example.net/')).toBe(true);
  expect(allows('https://example.net/')).toBe(false);
  expect(allows('https://example.net.evil.com/')).toBe(false);
  expect(allows('http://127.0.0.1:8080/')).toBe(true);
  expect(allows('http://127.0.0.1:8081/')).toBe(false);
  expect(() => createHostAllowlist(['https://api.example.org/path'])).toThrow(/not a host/);
});

test('only http and https, and no credentials in the URL', async () => {
  for (const url of [
    'file:///etc/passwd',
    'ftp://127.0.0.1/x',
    `http://user:secret@127.0.0.1:${port}/json`,
  ]) {
    const error = await failure(httpGet(url, allowed(), limits()));
    expect(error.code).toBe('VALIDATION_FAILED');
  }
  expect((await failure(httpGet('not a url', allowed(), limits()))).message).toMatch(/not a URL/);
});

test('redirects are followed within the allowlist and refused off it', async () => {
  const inside = await httpGet(`${base}/redirect-inside`, allowed(), limits());
  expect(inside).toMatchObject({ status: 200, final_url: `${base}/json` });
  const error = await failure(httpGet(`${base}/redirect-outside`, allowed(), limits()));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(/redirect to http:\/\/localhost:\d+: host not on the allowlist/);
});

test('a body over the size cap is refused, whether declared or streamed', async () => {
  const declared = await failure(httpGet(`${base}/declared-big`, allowed(), limits()));
  expect(declared.code).toBe('VALIDATION_FAILED');
  expect(declared.message).toMatch(/sent 5000000 bytes; the limit is 1000000 bytes/);
  const streamed = await failure(httpGet(`${base}/streamed-big`, allowed(), limits()));
  expect(streamed.message).toMatch(/sent more than 1000000 bytes/);
});

test('long text is truncated to the text limit, and says so', async () => {
  const result = await httpGet(`${base}/text`, allowed(), limits({ maxTextChars: 100 }));
  expect(result).toMatchObject({ bytes: 5_000, truncated: true });
  expect(result.text).toHaveLength(100);
});

test('binary content is reported by size, not returned as text', async () => {
  const result = await httpGet(`${base}/image`, allowed(), limits());
  expect(result).toMatchObject({ status: 200, content_type: 'image/png', bytes: 64, text: null });
});

test('a 404 is a result; 5xx, 429, timeouts and refused connections may pass (503)', async () => {
  expect(await httpGet(`${base}/missing`, allowed(), limits())).toMatchObject({
    status: 404,
    text: 'not here',
  });
  for (const path of ['/broken', '/busy']) {
    const error = await failure(httpGet(`${base}${path}`, allowed(), limits()));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  }
  const slow = await failure(httpGet(`${base}/slow`, allowed(), limits({ timeoutMs: 300 })));
  expect(slow.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(slow.message).toMatch(/timed out/);
  const refused = await failure(
    httpGet('http://127.0.0.1:1/', createHostAllowlist(['127.0.0.1']), limits()),
  );
  expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
});

test('an abort after the body was read is harmless (no stray error event)', async () => {
  const abort = new AbortController();
  const result = await httpGet(`${base}/json`, allowed(), limits(), abort.signal);
  expect(result.status).toBe(200);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  expect(uncaught).toEqual([]);
});

test('an abort mid-request stops it', async () => {
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  const error = await failure(httpGet(`${base}/slow`, allowed(), limits(), abort.signal));
  expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
});
