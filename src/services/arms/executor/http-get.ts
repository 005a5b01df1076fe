import got, { RequestError } from 'got';
import { AppError } from '../../../http/app-error';
import type { HostAllowlist } from './host-allowlist';

/** Limits of `http_get`. */
export interface HttpGetLimits {
  /** Largest response body read, in bytes (after decompression); beyond it the download stops. */
  maxBytes: number;
  /** Time allowed for the whole request, redirects included, in milliseconds. */
  timeoutMs: number;
  /** Longest `text` returned, in characters; the rest is cut and `truncated` is set. */
  maxTextChars: number;
  /** Redirects followed at most, each to an allowed host. */
  maxRedirects: number;
}

/** Defaults: 1 MB, 10 s, 100 000 characters, 5 redirects. */
export const DEFAULT_HTTP_GET_LIMITS: HttpGetLimits = {
  maxBytes: 1_000_000,
  timeoutMs: 10_000,
  maxTextChars: 100_000,
  maxRedirects: 5,
};

/** What `http_get` returns. */
export interface HttpGetResult {
  tool: 'http_get';
  url: string;
  /** The URL after redirects. */
  final_url: string;
  status: number;
  content_type: string | null;
  bytes: number;
  /** The body as text, or null for binary content. */
  text: string | null;
  truncated: boolean;
  /** The parsed body, when it is JSON. */
  json?: unknown;
}

/** A refusal that is the step's fault: a URL, host or response the tool will not take. */
class Refused extends Error {}

/** Statuses that may pass if asked again later. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/** Content types returned as text; anything else is reported by size only. */
const TEXTUAL = /^text\/|[/+](json|xml|javascript|csv|yaml|x-www-form-urlencoded)\b/i;

/**
 * An HTTP GET to an allowlisted host: http and https only, no credentials in the URL, every
 * redirect checked against the allowlist, the body read up to `maxBytes` (the download stops
 * beyond), a deadline on the whole request, no retries (Temporal's policy is the retry layer).
 * Refusals are the step's fault (400); connection failures, timeouts, 5xx and 429 may pass
 * and answer 503. Other statuses (404 too) are results, returned with their body.
 */
export async function httpGet(
  rawUrl: string,
  allowlist: HostAllowlist,
  limits: HttpGetLimits,
  signal?: AbortSignal,
): Promise<HttpGetResult> {
  let url: URL;
  try {
    url = checkUrl(rawUrl, allowlist);
  } catch (err) {
    throw err instanceof Refused ? new AppError('VALIDATION_FAILED', err.message) : err;
  }
  // got's own timeout restarts with each redirect: this deadline covers the whole fetch.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
  const stream = got.stream(url, {
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: true,
    maxRedirects: limits.maxRedirects,
    timeout: { request: limits.timeoutMs },
    headers: { 'user-agent': 'OctoLLM-executor/1 (http_get tool)', accept: '*/*' },
    signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
    hooks: {
      beforeRedirect: [
        (options) => {
          checkUrl(String(options.url), allowlist, 'redirect to ');
        },
      ],
    },
  });

  let status = 0;
  let contentType: string | null = null;
  let finalUrl = url.href;
  stream.on(
    'response',
    (response: { statusCode: number; headers: Record<string, unknown>; url: string }) => {
      status = response.statusCode;
      contentType =
        typeof response.headers['content-type'] === 'string'
          ? response.headers['content-type']
          : null;
      finalUrl = response.url;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        stream.destroy(new Refused(tooLarge(url, `${declared} bytes`, limits.maxBytes)));
      }
    },
  );

  // got reports an abort even after the body has been read (the caller's signal may fire
  // later): a listener that outlives the loop keeps that from becoming an uncaught error.
  stream.on('error', () => undefined);
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) {
        stream.destroy();
        throw new Refused(tooLarge(url, `more than ${limits.maxBytes} bytes`, limits.maxBytes));
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (deadline.signal.aborted && !signal?.aborted) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `http_get: request to ${url.host} timed out`);
    }
    throw classify(err, url);
  } finally {
    clearTimeout(timer);
  }

  if (status >= 500 || TRANSIENT_STATUSES.has(status)) {
    throw new AppError(
      'UPSTREAM_UNAVAILABLE',
      `http_get: ${url.host} answered ${status}; it may work later`,
    );
  }
  const body = Buffer.concat(chunks);
  const textual = contentType === null || TEXTUAL.test(contentType);
  const full = textual ? decode(body, contentType) : null;
  const text = full === null ? null : full.slice(0, limits.maxTextChars);
  const truncated = full !== null && full.length > limits.maxTextChars;
  return {
    tool: 'http_get',
    url: url.href,
    final_url: finalUrl,
    status,
    content_type: contentType,
    bytes,
    text,
    truncated,
    // Parsed only when it fits untruncated, so the output stays within about twice the limit.
    ...(full !== null && !truncated && /json/i.test(contentType ?? '') ? parseJson(full) : {}),
  };
}

/** Parses and checks a URL: http(s), no credentials, an allowed host. */
function checkUrl(raw: string, allowlist: HostAllowlist, what = ''): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('VALIDATION_FAILED', `http_get: "${raw.slice(0, 200)}" is not a URL`);
  }
  const refuse = (message: string) =>
    new Refused(`http_get: ${what}${url.protocol}//${url.host}: ${message}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse('only http and https URLs are allowed');
  }
  if (url.username || url.password) throw refuse('credentials in URLs are not allowed');
  if (!allowlist.allows(url)) {
    throw refuse(
      allowlist.entries.length
        ? `host not on the allowlist (${allowlist.entries.join(', ')})`
        : 'host not allowed: the allowlist is empty, so every host is refused',
    );
  }
  return url;
}

function tooLarge(url: URL, size: string, max: number): string {
  return `http_get: ${url.host} sent ${size}; the limit is ${max} bytes`;
}

/** Refusals are the step's fault (400); what went wrong on the way may pass (503). */
function classify(err: unknown, url: URL): AppError {
  if (err instanceof AppError) return err;
  const cause = err instanceof Refused ? err : (err as { cause?: unknown })?.cause;
  if (cause instanceof Refused) return new AppError('VALIDATION_FAILED', cause.message);
  if (cause instanceof AppError) return cause;
  if (err instanceof RequestError) {
    if (err.code === 'ERR_TOO_MANY_REDIRECTS') {
      return new AppError('VALIDATION_FAILED', `http_get: ${url.host} redirects too often`);
    }
    const what = err.code === 'ETIMEDOUT' ? 'timed out' : `failed (${err.code ?? err.message})`;
    return new AppError('UPSTREAM_UNAVAILABLE', `http_get: request to ${url.host} ${what}`);
  }
  if ((err as { name?: string })?.name === 'AbortError') {
    return new AppError('UPSTREAM_UNAVAILABLE', 'http_get: request aborted');
  }
  return new AppError(
    'UPSTREAM_UNAVAILABLE',
    `http_get: request to ${url.host} failed: ${(err as Error)?.message ?? String(err)}`,
  );
}

function decode(body: Buffer, contentType: string | null): string {
  const charset = /charset=([^;\s]+)/i.exec(contentType ?? '')?.[1]?.replace(/"/g, '');
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function parseJson(text: string): { json?: unknown } {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}
