import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { resolvePrincipal, SESSION_COOKIE } from '../plugins/auth';
import type { ServerDeps } from '../server-deps';
import { HeraldBoardAdapter } from './bull-board-adapter';
import { PAGE_CSP } from './html';
import { renderLoginPage } from './login-page';

export const DASHBOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
export const LOGOUT_PATH = '/admin/logout';
const SESSION_SECONDS = 12 * 3600;

/** The browser stays on this origin: bull-board's page links a CDN web font (dropped when rendering it). */
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function wantsHtml(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

/** Only paths inside the dashboard, so the login cannot be turned into an open redirect. */
function safeNext(raw: unknown): string {
  return typeof raw === 'string' && raw.startsWith(`${DASHBOARD_PATH}`) && !raw.includes('//') && !raw.includes('\\')
    ? raw
    : DASHBOARD_PATH;
}

function sessionCookie(request: FastifyRequest, deps: ServerDeps, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' || deps.config.mode === 'production' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Answers with the refusal itself, so a browser gets the login page and a client a JSON error. */
async function requireDashboardAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const principal = request.principal;
  if (principal?.role === 'admin') return;
  if (principal) {
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
 * the HttpOnly, SameSite=Strict cookie the login form sets. Read-only: retries go through
 * POST /v1/deliveries/:id/retry, which keeps the database record and the queue in step.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
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

    scope.get<{ Querystring: { next?: string } }>(LOGIN_PATH, async (request, reply) =>
      page(reply, 200, renderLoginPage({ next: safeNext(request.query.next) })),
    );

    scope.post<{ Body: { token?: unknown; next?: unknown } | undefined }>(LOGIN_PATH, async (request, reply) => {
      const body = request.body ?? {};
      const next = safeNext(body.next);
      const secret = typeof body.token === 'string' ? body.token.trim() : '';
      const principal = secret ? await resolvePrincipal({ prisma: deps.prisma, adminToken: deps.config.adminToken }, secret) : null;
      if (principal?.role !== 'admin') {
        request.log.info({ tokenId: principal?.tokenId ?? null }, 'dashboard login refused');
        return page(reply, 401, renderLoginPage({ next, error: 'That is not a valid admin token.' }));
      }
      request.log.info({ tokenId: principal.tokenId }, 'dashboard login');
      return reply.header('set-cookie', sessionCookie(request, deps, secret, SESSION_SECONDS)).redirect(next, 303);
    });

    // GET as well, so the dashboard's header link can log out.
    scope.route({
      method: ['GET', 'POST'],
      url: LOGOUT_PATH,
      handler: async (request, reply) => reply.header('set-cookie', sessionCookie(request, deps, '', 0)).redirect(LOGIN_PATH, 303),
    });
  });
}
