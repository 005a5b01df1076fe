import type { RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../http/app-error';
import { ensureTenant, findApiKey, LOCAL_TENANT } from './api-keys';

/** Who a request acts for: every task and document it reads or writes belongs to this tenant. */
export interface Tenant {
  id: string;
  name: string;
}

/** How the API authenticates. */
export interface AuthOptions {
  /**
   * `keys` (the default): every route but the public ones needs `Authorization: Bearer <key>`.
   * `off` (`AUTH=off`, for tests only): no key is asked for and every request acts for the
   * tenant `local`.
   */
  mode?: 'keys' | 'off';
  /** Requests per minute a key may make; the next one is a 429 with `Retry-After`. */
  requestsPerMinute?: number;
  /**
   * How long a looked-up key is trusted without asking the database again, in ms (default
   * 5 000): a revoked key stops working within this time.
   */
  keyCacheMs?: number;
}

/** Routes anyone may call: liveness, readiness, metrics and the docs. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  '/',
  '/health',
  '/ready',
  '/metrics',
  '/openapi.json',
]);

/** Default requests per minute per key: above what a busy client polling with `wait` needs. */
export const DEFAULT_REQUESTS_PER_MINUTE = 6_000;

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/** The tenant a request acts for; set by the middleware of {@link createAuth}. */
export function tenantOf(res: Response): Tenant {
  const tenant = (res.locals as { tenant?: Tenant }).tenant;
  if (!tenant) throw new Error('tenantOf: no tenant (is the route behind createAuth?)');
  return tenant;
}

/** The API's authentication: its middleware, and a check of one key for other routes. */
export interface Auth {
  /** Authenticates and rate-limits every route but {@link PUBLIC_PATHS}. */
  handlers: RequestHandler[];
  /** The tenant a key acts for, or the error to answer (401 unknown, 403 revoked). */
  verify(key: string | undefined): Promise<Tenant>;
}

/**
 * Authenticates every request but {@link PUBLIC_PATHS} with its API key and limits each key's
 * rate: 401 without a key or with an unknown one, 403 with a revoked one, 429 beyond the rate.
 * Keys are looked up by their SHA-256 and the answer kept for a few seconds, so a polling client
 * costs no database read per request.
 */
export function createAuth(prisma: PrismaClient, logger: Logger, options: AuthOptions = {}): Auth {
  const { mode = 'keys', keyCacheMs = 5_000 } = options;
  if (mode === 'off') {
    logger.warn(
      'AUTH=off: the API asks for no key and every request acts for the tenant "local". ' +
        'This is for tests only: never expose this port.',
    );
    let local: Promise<Tenant> | undefined;
    const verify = () => {
      local ??= ensureTenant(prisma, LOCAL_TENANT).catch((err: unknown) => {
        local = undefined;
        throw err;
      });
      return local;
    };
    const asLocal: RequestHandler = (_req, res, next) => {
      verify().then((tenant) => {
        res.locals.tenant = tenant;
        next();
      }, next);
    };
    return { handlers: [asLocal], verify };
  }

  /** A key's look-up, shared by the requests that need it while it runs and for keyCacheMs after. */
  type Found = { keyId: string; tenant: Tenant; revoked: boolean } | undefined;
  const known = new Map<string, { at: number; found: Promise<Found> }>();
  const lookUp = (key: string): Promise<Found> => {
    const cached = known.get(key);
    if (cached && Date.now() - cached.at < keyCacheMs) return cached.found;
    const found = findApiKey(prisma, key).then((row) => {
      // Only known keys are kept, so guessing cannot fill the cache.
      if (!row) {
        known.delete(key);
        return undefined;
      }
      return {
        keyId: row.id,
        tenant: { id: row.tenantId, name: row.tenant },
        revoked: row.revoked,
      };
    });
    known.set(key, { at: Date.now(), found });
    found.catch(() => known.delete(key));
    return found;
  };

  const check = async (key: string | undefined) => {
    if (!key) {
      throw new AppError(
        'UNAUTHENTICATED',
        'This route needs an API key: send "Authorization: Bearer <API key>" ' +
          '(npm start prints one; npm run keys -- create --tenant NAME makes more)',
      );
    }
    const found = await lookUp(key);
    if (!found) throw new AppError('UNAUTHENTICATED', 'This API key is not known');
    if (found.revoked) throw new AppError('FORBIDDEN', 'This API key has been revoked');
    return found;
  };

  const authenticate: RequestHandler = (req, res, next) => {
    if (PUBLIC_PATHS.has(req.path)) return next();
    const header = req.get('authorization');
    res.set('WWW-Authenticate', 'Bearer');
    if (header && !BEARER.test(header)) {
      next(new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>"'));
      return;
    }
    check(bearerKey(header)).then((found) => {
      res.removeHeader('WWW-Authenticate');
      res.locals.tenant = found.tenant;
      res.locals.keyId = found.keyId;
      next();
    }, next);
  };

  const limit = rateLimit({
    windowMs: 60_000,
    limit: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => PUBLIC_PATHS.has(req.path),
    keyGenerator: (_req, res) => String(res.locals.keyId),
    handler: (_req, _res, next, opts) => {
      next(
        new AppError(
          'RATE_LIMITED',
          `This API key has made more than ${String(opts.limit)} requests in a minute; ` +
            'retry after the number of seconds in Retry-After',
        ),
      );
    },
  });
  return {
    handlers: [authenticate, limit],
    verify: async (key) => (await check(key)).tenant,
  };
}

/** The key of an `Authorization: Bearer <key>` header, if it is one. */
export function bearerKey(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}
