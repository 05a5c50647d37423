import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { Redis } from 'ioredis';
import type { HeraldConfig } from '@herald/config';
import { hashApiToken, safeEqual } from '@herald/crypto';
import { findApiToken, findApiTokenByHash, noteApiTokenUse, type PrismaClient } from '@herald/db';
import { forbidden, HttpError, unauthorized } from '../http-errors';
import {
  CONFIG_ADMIN_ID,
  csrfTokenMatches,
  resumeSession,
  SESSION_COOKIE,
  type BrowserSession,
  type SessionStoreDeps,
} from '../sessions/browser-sessions';
import { crossOriginProblem } from '../sessions/same-origin';
import { createAuthThrottle, loggablePrefixOf, type AuthThrottle } from './auth-throttle';

export type Role = 'admin' | 'org_admin' | 'ingestor';

export interface Principal {
  /** Token id; `config-admin` for HERALD_ADMIN_TOKEN. Dedupe keys are scoped by it. */
  tokenId: string;
  role: Role;
  orgId: number | null;
}

/** The outcome of checking a presented token, with failures counted and throttled. */
export type TokenCheck =
  { kind: 'valid'; principal: Principal; tokenName: string } | { kind: 'invalid' } | { kind: 'throttled'; retryAfterSeconds: number };

export interface Authenticator {
  /** Checks a token a client presents (bearer header, login form, POST /v1/session). */
  checkToken(request: FastifyRequest, secret: string): Promise<TokenCheck>;
  /** What session-cookie handling needs: the database, HERALD_ADMIN_TOKEN and the lifetimes. */
  readonly sessions: SessionStoreDeps;
  readonly mode: HeraldConfig['mode'];
}

/** Whether network-policy refusals may name addresses for this caller (the operator) or not (a tenant). */
export function audienceOf(principal: Principal): 'operator' | 'tenant' {
  return principal.role === 'admin' ? 'operator' : 'tenant';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The browser session the principal comes from (null for bearer tokens). */
    session: BrowserSession | null;
    /** The session cookie's id, when the request carries a live session. */
    sessionId: string | null;
    /** Why a request with a live session cookie is not authenticated (CSRF defence), answered as 403. */
    authProblem: string | null;
  }
  interface FastifyInstance {
    heraldAuth: Authenticator;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The bearer token of a request (the session cookie is handled separately). */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return null;
}

export interface AuthDeps {
  prisma: PrismaClient;
  redis: Redis;
  config: Pick<HeraldConfig, 'adminToken' | 'metricsToken' | 'queuePrefix' | 'session' | 'authThrottle' | 'mode'>;
  now?: () => number;
}

/** The principal a secret stands for: the configured admin token, or a stored token that is not revoked. */
async function resolveToken(
  deps: Pick<AuthDeps, 'prisma' | 'now'> & { adminToken: string | undefined },
  secret: string,
): Promise<{ principal: Principal; tokenName: string } | null> {
  if (deps.adminToken && safeEqual(secret, deps.adminToken)) {
    return { principal: { tokenId: CONFIG_ADMIN_ID, role: 'admin', orgId: null }, tokenName: 'HERALD_ADMIN_TOKEN' };
  }
  // Lookup by SHA-256: the secret itself is never stored or compared byte by byte.
  const token = await findApiTokenByHash(deps.prisma, hashApiToken(secret));
  if (!token || token.revokedAt !== null) return null;
  noteUse(deps, token);
  return { principal: { tokenId: token.id, role: token.role, orgId: token.orgId }, tokenName: token.name };
}

/** The principal a secret stands for (no throttling: for tools, not for requests). */
export async function resolvePrincipal(
  deps: Pick<AuthDeps, 'prisma' | 'now'> & { adminToken: string | undefined },
  secret: string,
): Promise<Principal | null> {
  return (await resolveToken(deps, secret))?.principal ?? null;
}

/** Whether the API token a principal came from is still good (HERALD_ADMIN_TOKEN is, while the process runs). */
export async function tokenIsLive(prisma: PrismaClient, principal: Principal): Promise<boolean> {
  if (principal.tokenId === CONFIG_ADMIN_ID) return true;
  const token = await findApiToken(prisma, principal.tokenId);
  return token !== null && token.revokedAt === null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Keeps `last_used_at` to the minute, so operators can find idle tokens, without a write per request. */
function noteUse(deps: Pick<AuthDeps, 'prisma' | 'now'>, token: { id: string; lastUsedAt: Date | null }): void {
  const now = (deps.now ?? Date.now)();
  if (token.lastUsedAt && now - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  noteApiTokenUse(deps.prisma, token.id, new Date(now)).catch(() => undefined);
}

/** 429 for a client that failed to authenticate too often; the token is not even looked at. */
export function throttled(retryAfterSeconds: number): HttpError {
  return new HttpError(
    429,
    'too_many_failed_logins',
    `too many failed authentication attempts from this address or for this token; retry in ${retryAfterSeconds} s`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

function createAuthenticator(deps: AuthDeps, throttle: AuthThrottle): Authenticator {
  const adminToken = deps.config.adminToken;
  return {
    mode: deps.config.mode,
    sessions: {
      prisma: deps.prisma,
      adminToken,
      policy: { idleMs: deps.config.session.idleMinutes * 60_000, maxMs: deps.config.session.maxHours * 3_600_000 },
    },
    async checkToken(request, secret) {
      // Both at once: the answer waits for the throttle either way, so a right guess is not revealed.
      const [wait, resolved] = await Promise.all([
        throttle.retryAfter(request.ip, secret),
        resolveToken({ prisma: deps.prisma, now: deps.now, adminToken }, secret),
      ]);
      if (wait !== null) {
        request.log.debug({ client: request.ip, tokenPrefix: loggablePrefixOf(secret) }, 'authentication refused: throttled');
        return { kind: 'throttled', retryAfterSeconds: wait };
      }
      if (resolved) return { kind: 'valid', ...resolved };
      await throttle.recordFailure(request.ip, secret);
      return { kind: 'invalid' };
    },
  };
}

/**
 * Resolves every request's principal: `Authorization: Bearer <token>` (API clients), or else the
 * `herald_session` cookie (console and dashboard). With the cookie, a state-changing request must
 * also come from Herald's own origin and carry the session's `x-csrf-token`, or it is not authenticated.
 */
export async function registerAuth(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(fastifyCookie);
  const throttle = createAuthThrottle({
    redis: deps.redis,
    keyPrefix: deps.config.queuePrefix,
    failures: deps.config.authThrottle.failures,
    windowSeconds: deps.config.authThrottle.windowSeconds,
    onLimitReached: (what) =>
      app.log.warn({ ...what, windowSeconds: deps.config.authThrottle.windowSeconds }, 'authentication throttled: too many failures'),
    onRedisError: (error) => app.log.warn({ err: error }, 'authentication throttle unavailable (Redis); not throttling'),
  });
  const auth = createAuthenticator(deps, throttle);
  app.decorate('heraldAuth', auth);
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('authProblem', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = presentedToken(request);
    if (bearer !== null) {
      // The metrics route checks its own token; it is no failed login.
      if (deps.config.metricsToken && safeEqual(bearer, deps.config.metricsToken)) return;
      const checked = await auth.checkToken(request, bearer);
      if (checked.kind === 'throttled') {
        const error = throttled(checked.retryAfterSeconds);
        return reply
          .code(429)
          .headers(error.headers ?? {})
          .send({ error: error.code, message: error.message });
      }
      if (checked.kind === 'valid') request.principal = checked.principal;
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return;
    const session = await resumeSession(auth.sessions, sessionId, new Date((deps.now ?? Date.now)()));
    if (!session) return;
    if (!SAFE_METHODS.has(request.method)) {
      request.authProblem = csrfProblem(request, sessionId);
      if (request.authProblem) return;
    }
    request.principal = session.principal;
    request.session = session;
    request.sessionId = sessionId;
  });
}

/** Why a state-changing request made with the session cookie may be forged by another site. */
function csrfProblem(request: FastifyRequest, sessionId: string): string | null {
  const crossOrigin = crossOriginProblem(request, true);
  if (crossOrigin) return crossOrigin;
  const presented = request.headers['x-csrf-token'];
  if (typeof presented !== 'string' || presented === '') return 'the x-csrf-token header is required with the session cookie';
  if (!csrfTokenMatches(sessionId, presented)) return "the x-csrf-token header does not match this session's";
  return null;
}

/** Throws 401 without a valid token or session, 403 when the role is not among `roles` (or the CSRF check failed). */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = request.principal;
  if (!principal) throw request.authProblem ? forbidden(request.authProblem) : unauthorized();
  if (!roles.includes(principal.role)) throw forbidden();
  return principal;
}

/** For organization resources: admins see all, org admins only their own; others get 404 (existence not revealed). */
export function canSeeOrg(principal: Principal, orgId: number | null): boolean {
  return principal.role === 'admin' || (principal.orgId !== null && principal.orgId === orgId);
}
