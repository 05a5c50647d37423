import { loadConfig } from '@herald/config';
import { createHeraldContext, startApi } from '@herald/runtime';
import { createOrg, createToken, eventually, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';

jest.setTimeout(60_000);

/**
 * Browser sessions (issue 15, "the dashboard session cookie is the raw admin token, and logout does
 * not revoke it"): each test replays the attack against the real server and checks it does no harm.
 */
let herald: Harness;
let clockOffsetMs = 0;
let origin: string;
let orgA: number;
const EVIL = 'https://evil.example';
const STREAM_RECHECK_MS = 1000;
/** How long past the recheck interval a stream may take to end: one session lookup on a shared, busy machine. */
const STREAM_END_SLACK_MS = 2000;

beforeAll(async () => {
  herald = await startHarness({
    worker: false,
    now: () => Date.now() + clockOffsetMs,
    env: {
      HERALD_SESSION_IDLE_MINUTES: '10',
      HERALD_SESSION_MAX_HOURS: '1',
      HERALD_SESSION_STREAM_RECHECK_SECONDS: String(STREAM_RECHECK_MS / 1000),
    },
  });
  origin = herald.api.address;
  orgA = await createOrg(herald, 'Farm A');
});

afterAll(async () => {
  await herald?.close();
});

interface Sent {
  status: number;
  body: any;
  headers: Headers;
}

async function send(
  method: string,
  path: string,
  options: {
    cookie?: string;
    csrf?: string;
    origin?: string;
    referer?: string;
    bearer?: string;
    body?: unknown;
    form?: Record<string, string>;
  } = {},
): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = `herald_session=${options.cookie}`;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.origin) headers.origin = options.origin;
  if (options.referer) headers.referer = options.referer;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  let payload: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  const response = await fetch(`${origin}${path}`, { method, headers, body: payload, redirect: 'manual' });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}

/** The herald_session Set-Cookie line of a response. */
function sessionSetCookie(response: Sent): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith('herald_session='));
}

async function logIn(token: string): Promise<{ cookie: string; csrf: string; body: any }> {
  const response = await send('POST', '/v1/session', { body: { token }, origin });
  expect(response.status).toBe(200);
  const line = sessionSetCookie(response);
  const cookie = /^herald_session=([^;]+)/.exec(line ?? '')?.[1];
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(response.headers.getSetCookie())}`);
  return { cookie, csrf: response.body.csrf_token, body: response.body };
}

describe('a session is a random id, stored hashed, never the token', () => {
  test('POST /v1/session answers the principal and a CSRF token and sets an HttpOnly, SameSite=Strict cookie', async () => {
    const response = await send('POST', '/v1/session', { body: { token: herald.adminToken }, origin });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      principal: { role: 'admin', org_id: null, token_name: 'HERALD_ADMIN_TOKEN' },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_at: expect.any(String),
    });
    // Idle limit (10 min here) comes before the absolute one (1 h).
    const expiresIn = Date.parse(response.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

    const line = sessionSetCookie(response) ?? '';
    const cookie = /^herald_session=([^;]+)/.exec(line)?.[1] ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Strict/);
    expect(line).toMatch(/; Path=\//);
    expect(line).toMatch(/; Max-Age=3600/);
    // Plain http on the loopback address: no Secure, or the browser would drop the cookie.
    expect(line).not.toMatch(/Secure/);
    expect(line).not.toContain(herald.adminToken);
    expect(cookie).not.toBe(response.body.csrf_token);

    // The table holds a hash: neither the cookie nor the token can be read back from it.
    const rows = await herald.context.database.prisma.session.findMany();
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(cookie);
    expect(stored).not.toContain(herald.adminToken);
    expect(stored).not.toContain(response.body.csrf_token);

    // A reloaded page gets the same session (and CSRF token) back, and the cookie works on /v1.
    const again = await send('GET', '/v1/session', { cookie });
    expect(again.status).toBe(200);
    expect(again.body.csrf_token).toBe(response.body.csrf_token);
    expect(again.body.principal).toEqual(response.body.principal);
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(200);
    expect((await send('GET', '/admin/queues/api/queues', { cookie })).status).toBe(200);
  });

  test("an org admin's session carries its organization and sees only it", async () => {
    const token = await createToken(herald, { name: 'A admin', role: 'org_admin', org_id: orgA });
    await createOrg(herald, 'Farm B');
    const { cookie, body } = await logIn(token.secret);
    expect(body.principal).toEqual({ role: 'org_admin', org_id: orgA, token_name: 'A admin' });
    const orgs = await send('GET', '/v1/orgs', { cookie });
    expect(orgs.body.data.map((o: { id: number }) => o.id)).toEqual([orgA]);
    // Not the dashboard: that needs an admin.
    expect((await send('GET', '/admin/queues/api/queues', { cookie })).status).toBe(403);
  });

  test('a wrong token, an ingestor token or no token opens nothing', async () => {
    const wrong = await send('POST', '/v1/session', { body: { token: 'hrld_wrongwrongwrong' }, origin });
    expect(wrong.status).toBe(401);
    expect(sessionSetCookie(wrong)).toBeUndefined();
    expect(JSON.stringify(wrong.body)).not.toContain('hrld_wrongwrongwrong');

    const ingestor = await createToken(herald, { name: 'odin', role: 'ingestor' });
    const machine = await send('POST', '/v1/session', { body: { token: ingestor.secret }, origin });
    expect(machine.status).toBe(403);
    expect(sessionSetCookie(machine)).toBeUndefined();

    const empty = await send('POST', '/v1/session', { body: {}, origin });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('token');

    expect((await send('GET', '/v1/session')).status).toBe(401);
    expect((await send('GET', '/v1/session', { cookie: 'A'.repeat(43) })).status).toBe(401);
  });

  test('another site cannot log a browser in (login CSRF)', async () => {
    const response = await send('POST', '/v1/session', { body: { token: herald.adminToken }, origin: EVIL });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/Origin/);
    expect(sessionSetCookie(response)).toBeUndefined();
  });
});

describe('CSRF: state-changing requests made with the cookie', () => {
  const orgNames = async () => (await herald.request('GET', '/v1/orgs')).body.data.map((o: { name: string }) => o.name) as string[];

  test('a forged request from another site is refused (403 naming the problem) and changes nothing', async () => {
    const { cookie, csrf } = await logIn(herald.adminToken);
    const attempts: [string, Parameters<typeof send>[2], RegExp][] = [
      ['cross-site form post, no token', { cookie, origin: EVIL }, /Origin/],
      ['cross-site with a stolen CSRF token', { cookie, csrf, origin: EVIL }, /Origin/],
      ['same origin, no CSRF token', { cookie, origin }, /x-csrf-token/],
      ['same origin, a wrong CSRF token', { cookie, csrf: 'x'.repeat(43), origin }, /x-csrf-token/],
      ['no Origin and no Referer', { cookie, csrf }, /Origin/],
      ['an Origin of "null" (sandboxed frame)', { cookie, csrf, origin: 'null' }, /Origin/],
      ['a Referer on another site', { cookie, csrf, referer: `${EVIL}/page` }, /Origin/],
    ];
    for (const [what, options, problem] of attempts) {
      const response = await send('POST', '/v1/orgs', { ...options, body: { name: `forged: ${what}` } });
      expect({ what, status: response.status }).toEqual({ what, status: 403 });
      expect({ what, message: response.body.message }).toEqual({ what, message: expect.stringMatching(problem) });
    }
    // Another session's CSRF token does not fit this one.
    const other = await logIn(herald.adminToken);
    const crossed = await send('DELETE', '/v1/session', { cookie, csrf: other.csrf, origin });
    expect(crossed.status).toBe(403);
    expect((await send('GET', '/v1/session', { cookie })).status).toBe(200);
    expect((await orgNames()).filter((name) => name.startsWith('forged'))).toEqual([]);
  });

  test("the console's own requests (Origin or Referer of this server plus the token) go through; bearer clients need neither", async () => {
    const { cookie, csrf } = await logIn(herald.adminToken);
    expect((await send('POST', '/v1/orgs', { cookie, csrf, origin, body: { name: 'via origin' } })).status).toBe(201);
    expect((await send('POST', '/v1/orgs', { cookie, csrf, referer: `${origin}/orgs`, body: { name: 'via referer' } })).status).toBe(201);
    expect((await send('POST', '/v1/orgs', { bearer: herald.adminToken, body: { name: 'via bearer' } })).status).toBe(201);
    expect(await orgNames()).toEqual(expect.arrayContaining(['via origin', 'via referer', 'via bearer']));
  });
});

describe('ending sessions', () => {
  test('DELETE /v1/session revokes the session: the old cookie then answers 401 everywhere', async () => {
    const { cookie, csrf } = await logIn(herald.adminToken);
    const ended = await send('DELETE', '/v1/session', { cookie, csrf, origin });
    expect(ended.status).toBe(204);
    expect(sessionSetCookie(ended)).toMatch(/^herald_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    // The attacker kept a copy of the cookie.
    for (const path of ['/v1/session', '/v1/alerts', '/v1/tokens', '/admin/queues/api/queues']) {
      const replayed = await send('GET', path, { cookie });
      expect({ path, status: replayed.status }).toEqual({ path, status: 401 });
    }
    expect((await send('POST', '/v1/orgs', { cookie, csrf, origin, body: { name: 'after logout' } })).status).toBe(401);
  });

  test('the dashboard login opens the same kind of session and /admin/logout revokes it', async () => {
    const login = await send('POST', '/admin/login', { form: { token: herald.adminToken, next: '/admin/queues' } });
    expect(login.status).toBe(303);
    const cookie = /^herald_session=([^;]+)/.exec(sessionSetCookie(login) ?? '')?.[1] ?? '';
    expect(cookie).not.toBe('');
    // The old raw-token cookie is cleared wherever a browser may still hold it.
    expect(login.headers.getSetCookie().find((line) => line.startsWith('herald_token='))).toMatch(/Path=\/admin/);
    const session = await send('GET', '/v1/session', { cookie });
    expect(session.body.principal.role).toBe('admin');
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(200);

    expect((await send('GET', '/admin/logout', { cookie })).status).toBe(303);
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(401);
    expect((await send('GET', '/admin/queues/api/queues', { cookie })).status).toBe(401);
  });

  test('revoking the API token ends every session opened with it', async () => {
    const token = await createToken(herald, { name: 'soon revoked', role: 'admin' });
    const { cookie } = await logIn(token.secret);
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(200);
    expect((await herald.request('DELETE', `/v1/tokens/${token.id}`)).status).toBe(204);
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(401);
    expect((await send('GET', '/v1/session', { cookie })).status).toBe(401);
  });

  test('changing HERALD_ADMIN_TOKEN ends the sessions opened with the old value', async () => {
    const { cookie } = await logIn(herald.adminToken);
    const config = loadConfig({
      HERALD_ENV: 'test',
      DATABASE_URL: herald.config.databaseUrl,
      HERALD_QUEUE_PREFIX: herald.config.queuePrefix,
      HERALD_FERNET_KEYS: herald.config.fernetKeys.join(','),
      HERALD_ADMIN_TOKEN: `${herald.adminToken}-rotated`,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const context = await createHeraldContext(config, 'api');
    const restarted = await startApi(context);
    try {
      const response = await fetch(`${restarted.address}/v1/alerts`, { headers: { cookie: `herald_session=${cookie}` } });
      expect(response.status).toBe(401);
    } finally {
      await restarted.close();
      await context.close();
    }
    // The process still configured with the old value keeps it.
    expect((await send('GET', '/v1/alerts', { cookie })).status).toBe(200);
  });

  test('a session ends after 10 idle minutes, and after 1 hour however busy', async () => {
    const minutes = (n: number) => n * 60_000;
    try {
      const idle = await logIn(herald.adminToken);
      clockOffsetMs += minutes(9);
      expect((await send('GET', '/v1/alerts', { cookie: idle.cookie })).status).toBe(200);
      clockOffsetMs += minutes(9);
      // 18 minutes since login, 9 since last use: still live.
      expect((await send('GET', '/v1/session', { cookie: idle.cookie })).status).toBe(200);
      clockOffsetMs += minutes(11);
      expect((await send('GET', '/v1/alerts', { cookie: idle.cookie })).status).toBe(401);

      const busy = await logIn(herald.adminToken);
      for (let step = 1; step <= 6; step += 1) {
        clockOffsetMs += minutes(9);
        expect({ step, status: (await send('GET', '/v1/alerts', { cookie: busy.cookie })).status }).toEqual({ step, status: 200 });
      }
      // At 54 minutes the idle limit no longer decides: the absolute one (1 h) does.
      const late = await send('GET', '/v1/session', { cookie: busy.cookie });
      expect(Date.parse(late.body.expires_at)).toBe(Date.parse(busy.body.expires_at) + minutes(50));
      clockOffsetMs += minutes(9);
      expect((await send('GET', '/v1/alerts', { cookie: busy.cookie })).status).toBe(401);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

interface EventStream {
  /** Everything received so far. */
  text(): string;
  /** When the server ended the stream (null if the test closed it). */
  ended: Promise<number | null>;
  close(): void;
}

/** GET /v1/events as the console reads it, with a session cookie or a bearer token. */
async function openEvents(auth: { cookie: string } | { bearer: string }): Promise<EventStream> {
  const headers: Record<string, string> =
    'cookie' in auth ? { cookie: `herald_session=${auth.cookie}` } : { authorization: `Bearer ${auth.bearer}` };
  const abort = new AbortController();
  const response = await fetch(`${origin}/v1/events`, { headers, signal: abort.signal });
  expect(response.status).toBe(200);
  if (!response.body) throw new Error('no stream body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return Date.now();
        text += value;
      }
    } catch {
      return null;
    }
  })();
  await eventually('the stream to say it is connected', async () => (text.includes(': connected') ? true : undefined));
  return { text: () => text, ended, close: () => abort.abort() };
}

/** Milliseconds from `since` until the server ended the stream, or 'still open' after the recheck interval and its slack. */
async function msUntilEnded(stream: EventStream, since: number): Promise<number | 'still open'> {
  const limit = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), STREAM_RECHECK_MS + STREAM_END_SLACK_MS));
  const ended = await Promise.race([stream.ended, limit]);
  return ended === 'still open' || ended === null ? 'still open' : ended - since;
}

describe('an open event stream ends with its session', () => {
  test('a live session keeps its stream through rechecks and gets events; after logout the stream ends within the recheck interval', async () => {
    const { cookie, csrf } = await logIn(herald.adminToken);
    const stream = await openEvents({ cookie });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2.5 * STREAM_RECHECK_MS));
      const alertId = await postAlert(herald, { printer_id: 1 });
      await eventually('the alert on the stream', async () => (stream.text().includes(alertId) ? true : undefined));

      const loggedOut = Date.now();
      expect((await send('DELETE', '/v1/session', { cookie, csrf, origin })).status).toBe(204);
      expect(await msUntilEnded(stream, loggedOut)).toBeLessThan(STREAM_RECHECK_MS + STREAM_END_SLACK_MS);
    } finally {
      stream.close();
    }
  });

  test('revoking the API token ends the streams of its sessions and its bearer clients', async () => {
    const token = await createToken(herald, { name: 'streaming, soon revoked', role: 'org_admin', org_id: orgA });
    const { cookie } = await logIn(token.secret);
    const viaSession = await openEvents({ cookie });
    const viaBearer = await openEvents({ bearer: token.secret });
    try {
      const revoked = Date.now();
      expect((await herald.request('DELETE', `/v1/tokens/${token.id}`)).status).toBe(204);
      const [sessionEnded, bearerEnded] = await Promise.all([msUntilEnded(viaSession, revoked), msUntilEnded(viaBearer, revoked)]);
      expect(sessionEnded).toBeLessThan(STREAM_RECHECK_MS + STREAM_END_SLACK_MS);
      expect(bearerEnded).toBeLessThan(STREAM_RECHECK_MS + STREAM_END_SLACK_MS);
    } finally {
      viaSession.close();
      viaBearer.close();
    }
  });

  test('a session that went idle with only its stream open gets no further event, and the stream ends', async () => {
    const { cookie } = await logIn(herald.adminToken);
    const stream = await openEvents({ cookie });
    try {
      clockOffsetMs += 11 * 60_000;
      const expired = Date.now();
      const alertId = await postAlert(herald, { printer_id: 1, title: 'after the session went idle' });
      expect(await msUntilEnded(stream, expired)).toBeLessThan(STREAM_RECHECK_MS + STREAM_END_SLACK_MS);
      expect(stream.text()).not.toContain(alertId);
      expect(stream.text()).not.toContain('event: alert');
    } finally {
      clockOffsetMs = 0;
      stream.close();
    }
  });
});

describe("the login form's next", () => {
  test('CR/LF, dot segments, other hosts and backslashes end on the dashboard, never 500 and never elsewhere', async () => {
    const cases: [string, string][] = [
      ['/admin/queues\r\nSet-Cookie: pwned=1', '/admin/queues'],
      ['/admin/queues/\r\n', '/admin/queues'],
      ['/admin/queues/../../v1/tokens', '/admin/queues'],
      ['/admin/queues/%2e%2e/%2E%2E/v1/tokens', '/admin/queues'],
      ['/admin/queues/./../../v1/tokens?x=1', '/admin/queues'],
      ['/admin/queuesX/../../v1/tokens', '/admin/queues'],
      ['//evil.example/admin/queues', '/admin/queues'],
      ['/admin/queues/\\evil.example', '/admin/queues'],
      ['https://evil.example/admin/queues', '/admin/queues'],
      ['/admin/queues/queue/deliveries?status=failed', '/admin/queues/queue/deliveries?status=failed'],
    ];
    for (const [next, location] of cases) {
      const response = await send('POST', '/admin/login', { form: { token: herald.adminToken, next } });
      expect({ next, status: response.status, location: response.headers.get('location') }).toEqual({ next, status: 303, location });
      expect(response.headers.getSetCookie().some((line) => line.startsWith('pwned'))).toBe(false);
      const page = await send('GET', `/admin/login?next=${encodeURIComponent(next)}`);
      expect({ next, status: page.status }).toEqual({ next, status: 200 });
      expect(page.body).toContain(`name="next" value="${location.replace(/&/g, '&amp;')}"`);
    }
  });
});
