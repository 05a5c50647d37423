import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { endSession, openSession, SESSION_COOKIE } from '../sessions/browser-sessions';
import { clearSessionCookie, setSessionCookie } from '../sessions/session-cookie';
import { crossOriginProblem } from '../sessions/same-origin';
import type { ServerDeps } from '../server-deps';
import { HeraldBoardAdapter } from './bull-board-adapter';
import { PAGE_CSP } from './html';
import { renderLoginPage } from './login-page';

export const DASHBOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
export const LOGOUT_PATH = '/admin/logout';

/** The browser stays on this origin: bull-board's page links a CDN web font (dropped when rendering it). */
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function wantsHtml(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

const BASE = 'http://herald.invalid';

const hasControlOrBackslash = (text: string) => [...text].some((char) => char < ' ' || char === '\x7f' || char === '\\');

/**
 * Only paths inside the dashboard, so the login cannot be turned into an open redirect or a way
 * to another page (`/admin/queues/../../v1/tokens`): the path is normalised as the browser would
 * before it is checked, and anything odd (control characters, backslashes, another host) gives the
 * dashboard itself.
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2048 || !raw.startsWith('/') || hasControlOrBackslash(raw)) return DASHBOARD_PATH;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return DASHBOARD_PATH;
  }
  if (url.origin !== BASE) return DASHBOARD_PATH;
  if (url.pathname !== DASHBOARD_PATH && !url.pathname.startsWith(`${DASHBOARD_PATH}/`)) return DASHBOARD_PATH;
  return `${url.pathname}${url.search}`;
}

/** Answers with the refusal itself, so a browser gets the login page and a client a JSON error. */
async function requireDashboardAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const principal = request.principal;
  if (principal?.role === 'admin') return;
  if (request.authProblem) {
    await reply.code(403).send({ error: 'forbidden', message: request.authProblem });
  } else if (principal) {
    await reply.code(403).send({ error: 'forbidden', message: 'the queue dashboard needs an admin token' });
  } else if (wantsHtml(request)) {
    await reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
  } else {
    await reply.code(401).send({ error: 'unauthorized', message: 'missing or invalid bearer token' });
  }
  return reply;
}

/**
 * bull-board at /admin/queues for every Herald queue, behind an admin token: a bearer header, or
 * the session cookie the login form sets (the same sessions as POST /v1/session). Read-only: retries go through
 * POST /v1/deliveries/:id/retry, which keeps the database record and the queue in step.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const now = () => new Date((deps.now ?? Date.now)());
  const serverAdapter = new HeraldBoardAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(deps.queues.alerts, { readOnlyMode: true, description: 'Fan-out: one job per alert (job id = alert id)' }),
      new BullMQAdapter(deps.queues.deliveries, {
        readOnlyMode: true,
        description: 'Delivery: one job per alert and webhook (job id = delivery id)',
      }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Herald queues', hideDocsLink: true, miscLinks: [{ text: 'Log out', url: LOGOUT_PATH }] } },
  });

  await app.register(
    async (scope) => {
      scope.addHook('onRequest', requireDashboardAdmin);
      // bull-board's own pages, assets and JSON API stay out of the API document; its entry page is in it.
      scope.addHook('onRoute', (route) => {
        route.schema =
          route.url === DASHBOARD_PATH
            ? {
                operationId: 'dashboard',
                tags: ['Dashboard'],
                summary: 'The queue dashboard (bull-board, read-only)',
                description: '**Who:** admin (bearer token or the login cookie).',
                response: { 200: { description: 'The dashboard page', content: { 'text/html': { schema: z.string() } } } },
              }
            : { ...route.schema, hide: true };
      });
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        return payload;
      });
      await serverAdapter.registerRoutes(scope);
    },
    { prefix: DASHBOARD_PATH },
  );

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const page = (reply: FastifyReply, status: number, html: string) =>
      reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .header('cache-control', 'no-store')
        .send(html);

    const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
    const dashboard = { tags: ['Dashboard'], security: [] };
    scope.get<{ Querystring: { next?: string } }>(
      LOGIN_PATH,
      {
        schema: {
          operationId: 'dashboardLoginPage',
          ...dashboard,
          summary: 'The queue dashboard’s login page',
          querystring: z.object({ next: z.string().optional().meta({ description: 'Dashboard path to go to after login' }) }),
          response: { 200: html('Login form') },
        },
      },
      async (request, reply) => page(reply, 200, renderLoginPage({ next: safeNext(request.query.next) })),
    );

    scope.post<{ Body: { token?: unknown; next?: unknown } | undefined }>(
      LOGIN_PATH,
      {
        schema: {
          operationId: 'dashboardLogin',
          ...dashboard,
          summary: 'Log in to the queue dashboard with an admin token',
          description:
            'A form post (`token`, `next`). Opens a session like POST /v1/session (admin tokens only), sets its `herald_session` cookie and redirects (303) to `next` (a path inside /admin/queues). Throttled like every login.',
          response: {
            303: z.null().meta({ description: 'Logged in; redirect to the dashboard' }),
            401: html('Not an admin token: the form again, with the reason'),
            403: html('Posted from another site'),
            429: html('Too many failed attempts; see Retry-After'),
          },
        },
      },
      async (request, reply) => {
        const body = request.body ?? {};
        const next = safeNext(body.next);
        if (crossOriginProblem(request, false)) {
          return page(reply, 403, renderLoginPage({ next, error: 'This login form was sent from another site.' }));
        }
        const secret = typeof body.token === 'string' ? body.token.trim() : '';
        const checked = secret ? await app.heraldAuth.checkToken(request, secret) : ({ kind: 'invalid' } as const);
        if (checked.kind === 'throttled') {
          void reply.header('retry-after', String(checked.retryAfterSeconds));
          return page(
            reply,
            429,
            renderLoginPage({ next, error: `Too many failed attempts. Try again in ${checked.retryAfterSeconds} s.` }),
          );
        }
        if (checked.kind !== 'valid' || checked.principal.role !== 'admin') {
          request.log.info({ tokenId: checked.kind === 'valid' ? checked.principal.tokenId : null }, 'dashboard login refused');
          return page(reply, 401, renderLoginPage({ next, error: 'That is not a valid admin token.' }));
        }
        const { sessionId } = await openSession(app.heraldAuth.sessions, checked, now());
        request.log.info({ tokenId: checked.principal.tokenId }, 'dashboard login');
        setSessionCookie(request, reply, app.heraldAuth, sessionId);
        return reply.redirect(next, 303);
      },
    );

    // GET as well, so the dashboard's header link can log out. Ending a session needs no CSRF token:
    // the cookie itself names the session, and SameSite=Strict keeps other sites from sending it.
    const logout = async (request: FastifyRequest, reply: FastifyReply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await endSession(app.heraldAuth.sessions, sessionId, now());
      clearSessionCookie(request, reply, app.heraldAuth);
      return reply.redirect(LOGIN_PATH, 303);
    };
    for (const method of ['GET', 'POST'] as const) {
      scope.route({
        method,
        url: LOGOUT_PATH,
        schema: {
          operationId: method === 'GET' ? 'dashboardLogoutLink' : 'dashboardLogout',
          tags: ['Dashboard'],
          security: [],
          summary: 'Log out of the queue dashboard (ends the session)',
          response: { 303: z.null().meta({ description: 'Session ended, cookie cleared; redirect to the login page' }) },
        },
        handler: logout,
      });
    }
  });
}
