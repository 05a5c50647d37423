import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { forbidden, HttpError } from '../http-errors';
import { throttled, type Role } from '../plugins/auth';
import { endSession, openSession, type BrowserSession } from '../sessions/browser-sessions';
import { clearSessionCookie, setSessionCookie } from '../sessions/session-cookie';
import { crossOriginProblem } from '../sessions/same-origin';
import { parseBody } from '../validation/zod-errors';
import { validatedByHandler } from '../plugins/route-schemas';
import { errors } from '../openapi/response-schemas';
import type { ServerDeps } from '../server-deps';

export const createSessionSchema = z.strictObject({ token: z.string().trim().min(1).max(4096) });

const sessionSchema = z
  .object({
    principal: z.object({ role: z.enum(['admin', 'org_admin']), org_id: z.number().int().nullable(), token_name: z.string() }),
    csrf_token: z.string().meta({ description: 'Send as `x-csrf-token` with every state-changing request made with the cookie' }),
    expires_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Session' });

const tags = ['Tokens'];

/** People sign in to the console; an ingestor token belongs to a machine. */
const SESSION_ROLES: readonly Role[] = ['admin', 'org_admin'];

export function presentSession(session: BrowserSession) {
  return {
    principal: { role: session.principal.role, org_id: session.principal.orgId, token_name: session.tokenName },
    csrf_token: session.csrfToken,
    expires_at: session.expiresAt.toISOString(),
  };
}

const noSession = () => new HttpError(401, 'unauthorized', 'no session: log in with POST /v1/session');

/**
 * Browser sessions for the console: trade an API token for an HttpOnly session cookie, read the
 * session back (with its CSRF token) after a reload, and end it. API clients keep bearer tokens.
 */
export function sessionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const now = () => new Date((deps.now ?? Date.now)());

  app.post(
    '/v1/session',
    {
      schema: {
        operationId: 'openSession',
        tags,
        summary: 'Log in: trade an API token for a browser session',
        description:
          'Sets the `herald_session` cookie (HttpOnly, SameSite=Strict, Path=/, Secure except over plain http on loopback or outside production) and returns the CSRF token to send as `x-csrf-token` with every state-changing request made with the cookie. Admin and org admin tokens only. Failed attempts are throttled per client address and token prefix (429 with Retry-After).\n\n**Who:** anyone with an admin or org_admin token.',
        security: [],
        // Checked in the handler, after the Origin check (a cross-site post is a 403 whatever its body).
        body: validatedByHandler(createSessionSchema.meta({ example: { token: 'hrld_…' } })),
        response: { 200: sessionSchema, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      // Login CSRF: another site must not sign a browser in (clients without Origin/Referer, like curl, may).
      const crossOrigin = crossOriginProblem(request, false);
      if (crossOrigin) throw forbidden(crossOrigin);
      const { token } = parseBody(createSessionSchema, request.body);
      const checked = await app.heraldAuth.checkToken(request, token);
      if (checked.kind === 'throttled') throw throttled(checked.retryAfterSeconds);
      if (checked.kind === 'invalid') {
        request.log.info('session refused: invalid token');
        throw new HttpError(401, 'unauthorized', 'not a valid API token', [{ field: 'token', message: 'invalid or revoked' }]);
      }
      if (!SESSION_ROLES.includes(checked.principal.role))
        throw forbidden(`a ${checked.principal.role} token cannot open a browser session`);
      const { sessionId, session } = await openSession(app.heraldAuth.sessions, checked, now());
      setSessionCookie(request, reply, app.heraldAuth, sessionId);
      request.log.info({ tokenId: checked.principal.tokenId }, 'session opened');
      return presentSession(session);
    },
  );

  app.get(
    '/v1/session',
    {
      schema: {
        operationId: 'getSession',
        tags,
        summary: "The current cookie's session, with its CSRF token",
        description: '**Who:** the holder of a session cookie.',
        response: { 200: sessionSchema, ...errors(401) },
      },
    },
    async (request) => {
      if (!request.session) throw noSession();
      return presentSession(request.session);
    },
  );

  app.delete(
    '/v1/session',
    {
      schema: {
        operationId: 'endSession',
        tags,
        summary: 'Log out: end the session and clear its cookie',
        description:
          'Needs `x-csrf-token` and a same-origin Origin header like every state-changing request made with the cookie.\n\n**Who:** the holder of a session cookie.',
        response: { 204: z.null().meta({ description: 'Ended (also when there was no live session)' }), ...errors(403) },
      },
    },
    async (request, reply) => {
      if (request.authProblem) throw forbidden(request.authProblem);
      if (request.sessionId) {
        await endSession(app.heraldAuth.sessions, request.sessionId, now());
        request.log.info({ tokenId: request.principal?.tokenId }, 'session ended');
      }
      clearSessionCookie(request, reply, app.heraldAuth);
      return reply.code(204).send();
    },
  );
}
