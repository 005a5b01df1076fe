import type { Payload, PayloadCodec } from '@temporalio/common';
import { parse as parseCookies } from 'cookie';
import cors from 'cors';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../http/app-error';
import { parseOrThrow } from '../http/validate';
import { bearerKey, type Auth } from './auth';

/** What the codec routes need. */
export interface CodecRouterDeps {
  codec: PayloadCodec;
  auth: Pick<Auth, 'verify'>;
  /** Browser origins allowed to call the codec (the Temporal Web UI's). */
  corsOrigins: readonly string[];
}

/** The cookie `/codec/login` sets, for the Web UI, which cannot send an Authorization header. */
export const CODEC_COOKIE = 'octollm_codec_key';

/** Largest codec request: a history page's payloads, far beyond the API's usual body limit. */
const CODEC_BODY_LIMIT = '16mb';

const base64 = z.base64('must be base64');

/** Temporal's `Payloads` message in its protobuf JSON form: bytes fields are base64. */
const payloadsSchema = z.object({
  // Empty Payloads (a signal without input) arrive as `{}`.
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), base64).optional(),
        data: base64.optional(),
      }),
    )
    .default([]),
});

type JsonPayloads = z.infer<typeof payloadsSchema>;

function fromJson({ payloads }: JsonPayloads): Payload[] {
  return payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: data === undefined ? undefined : Buffer.from(data, 'base64'),
  }));
}

function toJson(payloads: Payload[]): JsonPayloads {
  return {
    payloads: payloads.map(({ metadata, data }) => ({
      metadata: Object.fromEntries(
        Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      ...(data ? { data: Buffer.from(data).toString('base64') } : {}),
    })),
  };
}

/**
 * A Temporal codec server on the API (`POST /codec/encode`, `POST /codec/decode`, the remote
 * codec protocol), so the Web UI and `temporal workflow show --codec-endpoint …` can show the
 * encrypted payloads to operators. Every call needs an API key: as `Authorization: Bearer` (the
 * CLI's `--codec-auth`), or as the cookie `/codec/login` sets for a browser. Browsers may call it
 * from the Web UI's origin only (CORS, credentials allowed).
 *
 * Mounted before the API's JSON parser, with its own body limit.
 */
export function createCodecRouter({ codec, auth, corsOrigins }: CodecRouterDeps): Router {
  const router = Router();
  const allowed = new Set(corsOrigins);
  router.use(
    '/codec',
    cors({
      origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
      credentials: true,
      methods: ['POST'],
      allowedHeaders: ['content-type', 'authorization', 'x-namespace'],
      maxAge: 600,
    }),
  );

  const keyOf = (req: Request) =>
    bearerKey(req.get('authorization')) ?? parseCookies(req.get('cookie') ?? '')[CODEC_COOKIE];

  const codecRoute = (op: 'encode' | 'decode') =>
    router.post(`/codec/${op}`, express.json({ limit: CODEC_BODY_LIMIT }), async (req, res) => {
      await auth.verify(keyOf(req));
      const body = parseOrThrow(payloadsSchema, req.body ?? {});
      let out: Payload[];
      try {
        out = await codec[op](fromJson(body));
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Cannot ${op}: ${(err as Error).message}`);
      }
      res.json(toJson(out));
    });
  codecRoute('encode');
  codecRoute('decode');

  // For the Web UI: a form that trades an API key for an HttpOnly cookie on this API's /codec
  // paths. The UI's origin is the same site (another port of the same host), so with its
  // "Include cross-origin credentials" setting the browser sends the cookie along.
  router.get('/codec/login', (_req, res) => {
    res.type('html').send(LOGIN_PAGE(''));
  });
  router.post(
    '/codec/login',
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req, res) => {
      const key = String((req.body as { key?: unknown } | undefined)?.key ?? '').trim();
      try {
        const tenant = await auth.verify(key);
        res
          .cookie(CODEC_COOKIE, key, {
            httpOnly: true,
            sameSite: 'lax',
            path: '/codec',
            maxAge: 8 * 3600 * 1000,
          })
          .type('html')
          .send(
            LOGIN_PAGE(
              `Signed in as tenant ${escapeHtml(tenant.name)} for 8 hours: the Temporal Web UI ` +
                'can now decode payloads (Codec Server settings: "Include cross-origin credentials").',
            ),
          );
      } catch (err) {
        const status = err instanceof AppError ? err.status : 500;
        res
          .status(status)
          .type('html')
          .send(LOGIN_PAGE(escapeHtml((err as Error).message)));
      }
    },
  );
  return router;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const LOGIN_PAGE = (message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OctoLLM codec sign-in</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>OctoLLM: decode payloads in the Temporal Web UI</h1>
<p>Workflow payloads are encrypted. Paste an API key (npm start prints one) to let this browser's
Temporal Web UI decode them through this API.</p>
<form method="post" action="/codec/login">
<input name="key" type="password" autocomplete="off" size="60" placeholder="octo_…" required>
<button type="submit">Sign in</button>
</form>
${message ? `<p><strong>${message}</strong></p>` : ''}
</body></html>
`;
