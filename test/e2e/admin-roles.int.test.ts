import { registeredRoutes } from '@herald/http';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import {
  createOrg,
  createToken,
  createWebhook,
  deliveriesOnceSettled,
  deliveryWithStatus,
  eventually,
  postAlert,
} from '../support/admin-fixtures';

jest.setTimeout(60_000);

/** Every kind of caller the API distinguishes. */
const WHO = ['admin', 'orgA', 'orgB', 'ingestor', 'ingestorA', 'none', 'revoked'] as const;
type Who = (typeof WHO)[number];

interface Row {
  method: string;
  /** Fastify's route pattern, for the "every route is in the matrix" check. */
  route: string;
  path: (who: Who) => string | Promise<string>;
  body?: (who: Who) => unknown;
  /** Form-encoded instead of JSON. */
  form?: (who: Who) => Record<string, string>;
  before?: () => Promise<void>;
  expect: Record<Who, number>;
}

/** Unlisted callers: valid tokens of other roles get 403, no token or a revoked one 401. */
function expecting(allowed: Partial<Record<Who, number>>): Record<Who, number> {
  return { admin: 403, orgA: 403, orgB: 403, ingestor: 403, ingestorA: 403, none: 401, revoked: 401, ...allowed };
}
const everyone = (status: number): Record<Who, number> => Object.fromEntries(WHO.map((who) => [who, status])) as Record<Who, number>;
/** An organization-A resource: admin and A's admin may, B's admin gets 404 (existence not revealed). */
const orgAResource = (status: number) => expecting({ admin: status, orgA: status, orgB: 404 });

let herald: Harness;
let receiver: WebhookReceiver;
const tokens = {} as Record<Who, string | null>;
let orgA: number;
let orgB: number;
let systemWebhook: string;
let webhookA: string;
let webhookB: string;
let alertA: string;
let failedDeliveryA: string;
let deliveryAToSystem: string;
const startedAt = new Date(Date.now() - 60_000).toISOString();

const alertBody = { type: 'print_complete', title: 'Done', message: 'Plate ready', printer_id: 101 };
const quietHours = { enabled: false, start: '22:00', end: '07:00' };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.on('/a', () => ({ status: 400 }));
  herald = await startHarness();
  orgA = await createOrg(herald, 'Farm A');
  orgB = await createOrg(herald, 'Farm B');
  expect((await herald.request('PUT', '/v1/printers/101', { name: 'A-1', org_id: orgA })).status).toBe(200);
  expect((await herald.request('PUT', '/v1/printers/201', { name: 'B-1', org_id: orgB })).status).toBe(200);

  tokens.admin = herald.adminToken;
  tokens.none = null;
  tokens.orgA = (await createToken(herald, { name: 'A admin', role: 'org_admin', org_id: orgA })).secret;
  tokens.orgB = (await createToken(herald, { name: 'B admin', role: 'org_admin', org_id: orgB })).secret;
  tokens.ingestor = (await createToken(herald, { name: 'ingestor', role: 'ingestor' })).secret;
  tokens.ingestorA = (await createToken(herald, { name: 'A ingestor', role: 'ingestor', org_id: orgA })).secret;
  const revoked = await createToken(herald, { name: 'revoked admin', role: 'admin' });
  expect((await herald.request('GET', '/v1/tokens', undefined, revoked.secret)).status).toBe(200);
  expect((await herald.request('DELETE', `/v1/tokens/${revoked.id}`)).status).toBe(204);
  tokens.revoked = revoked.secret;

  systemWebhook = (await createWebhook(herald, '/v1/webhooks', { name: 'system', url: receiver.url('/system'), type: 'generic' })).id;
  webhookA = (await createWebhook(herald, `/v1/orgs/${orgA}/webhooks`, { name: 'A', url: receiver.url('/a'), type: 'generic' })).id;
  webhookB = (await createWebhook(herald, `/v1/orgs/${orgB}/webhooks`, { name: 'B', url: receiver.url('/b'), type: 'slack' })).id;

  alertA = await postAlert(herald, { printer_id: 101 });
  const deliveries = await deliveriesOnceSettled(herald, alertA);
  failedDeliveryA = deliveries.find((d) => d.webhook_id === webhookA).id;
  deliveryAToSystem = deliveries.find((d) => d.webhook_id === systemWebhook).id;
  expect(deliveries.find((d) => d.webhook_id === webhookA).status).toBe('failed');
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function call(who: Who, method: string, path: string, body?: unknown, form?: Record<string, string>) {
  const token = tokens[who];
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${herald.api.address}${path}`, { method, headers, body: payload, redirect: 'manual' });
  // An event stream never ends by itself: its status is the answer.
  if (response.ok && response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, text: '' };
  }
  const text = await response.text();
  return { status: response.status, text };
}

const freshSystemWebhook = async () =>
  (await createWebhook(herald, '/v1/webhooks', { name: 'doomed', url: receiver.url('/doomed'), type: 'generic' })).id;
const freshOrgWebhook = async () =>
  (await createWebhook(herald, `/v1/orgs/${orgA}/webhooks`, { name: 'doomed A', url: receiver.url('/doomed-a'), type: 'generic' })).id;
const ingestSourceA = async () => {
  const response = await herald.request('POST', '/v1/ingest-sources', { name: 'A ingest', kind: 'herald', org_id: orgA });
  expect(response.status).toBe(201);
  return response.body as { id: string; key: string };
};
const waitUntilFailedAgain = async () => void (await deliveryWithStatus(herald, failedDeliveryA, ['failed']));

const ROWS: Row[] = [
  { method: 'GET', route: '/healthz', path: () => '/healthz', expect: everyone(200) },
  { method: 'GET', route: '/readyz', path: () => '/readyz', expect: everyone(200) },
  { method: 'GET', route: '/docs', path: () => '/docs', expect: everyone(200) },
  { method: 'GET', route: '/docs/openapi.json', path: () => '/docs/openapi.json', expect: everyone(200) },
  // The console's page and assets are public; what it shows comes from the API below.
  { method: 'GET', route: '/', path: () => '/', expect: everyone(200) },
  { method: 'GET', route: '/assets/:file', path: () => '/assets/no-such-file.js', expect: everyone(404) },
  { method: 'GET', route: '/v1/overview', path: () => '/v1/overview', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  { method: 'GET', route: '/v1/webhook-health', path: () => `/v1/webhook-health?org_id=${orgA}`, expect: orgAResource(200) },
  { method: 'GET', route: '/v1/events', path: () => '/v1/events', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },

  {
    method: 'POST',
    route: '/v1/alerts',
    path: () => '/v1/alerts',
    body: () => alertBody,
    expect: expecting({ admin: 202, ingestor: 202, ingestorA: 202 }),
  },
  {
    method: 'POST',
    route: '/v1/alerts/batch',
    path: () => '/v1/alerts/batch',
    body: () => ({ alerts: [alertBody] }),
    expect: expecting({ admin: 202, ingestor: 202, ingestorA: 202 }),
  },
  { method: 'GET', route: '/v1/alerts', path: () => '/v1/alerts', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  { method: 'GET', route: '/v1/alerts/:id', path: () => `/v1/alerts/${alertA}`, expect: orgAResource(200) },

  { method: 'GET', route: '/v1/orgs', path: () => '/v1/orgs', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  { method: 'POST', route: '/v1/orgs', path: () => '/v1/orgs', body: () => ({ name: 'Farm Z' }), expect: expecting({ admin: 201 }) },
  { method: 'GET', route: '/v1/orgs/:id', path: () => `/v1/orgs/${orgA}`, expect: orgAResource(200) },
  {
    method: 'PATCH',
    route: '/v1/orgs/:id',
    path: () => `/v1/orgs/${orgA}`,
    body: () => ({ name: 'Farm A' }),
    expect: expecting({ admin: 200 }),
  },
  {
    method: 'PUT',
    route: '/v1/orgs/:id/settings',
    path: () => `/v1/orgs/${orgA}/settings`,
    body: () => ({ webhook_url: receiver.url('/a-setting'), webhook_type: 'generic' }),
    expect: orgAResource(200),
  },
  { method: 'GET', route: '/v1/orgs/:id/quiet-hours', path: () => `/v1/orgs/${orgA}/quiet-hours`, expect: orgAResource(200) },
  {
    method: 'PUT',
    route: '/v1/orgs/:id/quiet-hours',
    path: () => `/v1/orgs/${orgA}/quiet-hours`,
    body: () => quietHours,
    expect: orgAResource(200),
  },
  { method: 'GET', route: '/v1/settings/quiet-hours', path: () => '/v1/settings/quiet-hours', expect: expecting({ admin: 200 }) },
  {
    method: 'PUT',
    route: '/v1/settings/quiet-hours',
    path: () => '/v1/settings/quiet-hours',
    body: () => quietHours,
    expect: expecting({ admin: 200 }),
  },

  { method: 'GET', route: '/v1/printers', path: () => '/v1/printers', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  {
    method: 'PUT',
    route: '/v1/printers/:id',
    path: () => '/v1/printers/101',
    // B's admin tries to pull A's printer into its own organization.
    body: (who) => (who === 'orgB' ? { name: 'taken', org_id: orgB } : { name: 'A-1', org_id: orgA }),
    expect: orgAResource(200),
  },

  { method: 'GET', route: '/v1/webhooks', path: () => '/v1/webhooks', expect: expecting({ admin: 200 }) },
  {
    method: 'POST',
    route: '/v1/webhooks',
    path: () => '/v1/webhooks',
    body: () => ({ name: 'new', url: receiver.url('/new'), type: 'discord' }),
    expect: expecting({ admin: 201 }),
  },
  { method: 'GET', route: '/v1/webhooks/:id', path: () => `/v1/webhooks/${systemWebhook}`, expect: expecting({ admin: 200 }) },
  {
    method: 'PATCH',
    route: '/v1/webhooks/:id',
    path: () => `/v1/webhooks/${systemWebhook}`,
    body: () => ({ name: 'system' }),
    expect: expecting({ admin: 200 }),
  },
  {
    method: 'DELETE',
    route: '/v1/webhooks/:id',
    path: async () => `/v1/webhooks/${await freshSystemWebhook()}`,
    expect: expecting({ admin: 204 }),
  },
  { method: 'POST', route: '/v1/webhooks/:id/test', path: () => `/v1/webhooks/${systemWebhook}/test`, expect: expecting({ admin: 200 }) },
  {
    method: 'POST',
    route: '/v1/webhooks/:id/rotate-secret',
    path: () => `/v1/webhooks/${systemWebhook}/rotate-secret`,
    expect: expecting({ admin: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/webhooks/:id/replay',
    path: () => `/v1/webhooks/${systemWebhook}/replay?since=${startedAt}`,
    expect: expecting({ admin: 202 }),
  },

  { method: 'GET', route: '/v1/orgs/:orgId/webhooks', path: () => `/v1/orgs/${orgA}/webhooks`, expect: orgAResource(200) },
  {
    method: 'POST',
    route: '/v1/orgs/:orgId/webhooks',
    path: () => `/v1/orgs/${orgA}/webhooks`,
    body: () => ({ name: 'A extra', url: receiver.url('/a-extra'), type: 'generic' }),
    expect: orgAResource(201),
  },
  { method: 'GET', route: '/v1/orgs/:orgId/webhooks/:id', path: () => `/v1/orgs/${orgA}/webhooks/${webhookA}`, expect: orgAResource(200) },
  {
    method: 'PATCH',
    route: '/v1/orgs/:orgId/webhooks/:id',
    path: () => `/v1/orgs/${orgA}/webhooks/${webhookA}`,
    body: () => ({ name: 'A' }),
    expect: orgAResource(200),
  },
  {
    method: 'DELETE',
    route: '/v1/orgs/:orgId/webhooks/:id',
    path: async () => `/v1/orgs/${orgA}/webhooks/${await freshOrgWebhook()}`,
    expect: orgAResource(204),
  },
  {
    method: 'POST',
    route: '/v1/orgs/:orgId/webhooks/:id/test',
    path: () => `/v1/orgs/${orgA}/webhooks/${webhookA}/test`,
    expect: orgAResource(200),
  },
  {
    method: 'POST',
    route: '/v1/orgs/:orgId/webhooks/:id/rotate-secret',
    path: () => `/v1/orgs/${orgA}/webhooks/${webhookA}/rotate-secret`,
    expect: orgAResource(200),
  },
  {
    method: 'POST',
    route: '/v1/orgs/:orgId/webhooks/:id/replay',
    path: () => `/v1/orgs/${orgA}/webhooks/${webhookA}/replay?since=${startedAt}`,
    before: waitUntilFailedAgain,
    expect: orgAResource(202),
  },

  { method: 'GET', route: '/v1/deliveries', path: () => '/v1/deliveries', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  { method: 'GET', route: '/v1/deliveries/:id', path: () => `/v1/deliveries/${failedDeliveryA}`, expect: orgAResource(200) },
  {
    method: 'POST',
    route: '/v1/deliveries/:id/retry',
    path: () => `/v1/deliveries/${failedDeliveryA}/retry`,
    before: waitUntilFailedAgain,
    expect: orgAResource(202),
  },

  {
    method: 'POST',
    route: '/v1/tokens',
    path: () => '/v1/tokens',
    body: () => ({ name: 'more', role: 'ingestor' }),
    expect: expecting({ admin: 201 }),
  },
  { method: 'GET', route: '/v1/tokens', path: () => '/v1/tokens', expect: expecting({ admin: 200 }) },
  {
    method: 'DELETE',
    route: '/v1/tokens/:id',
    path: async () => `/v1/tokens/${(await createToken(herald, { name: 'doomed', role: 'ingestor' })).id}`,
    expect: expecting({ admin: 204 }),
  },

  // Browser sessions: the token travels in the body; people (admins, org admins) may open one, machines not.
  {
    method: 'POST',
    route: '/v1/session',
    path: () => '/v1/session',
    body: (who) => ({ token: tokens[who] ?? '' }),
    expect: { admin: 200, orgA: 200, orgB: 200, ingestor: 403, ingestorA: 403, none: 400, revoked: 401 },
  },
  // A bearer token is no session.
  { method: 'GET', route: '/v1/session', path: () => '/v1/session', expect: everyone(401) },
  { method: 'DELETE', route: '/v1/session', path: () => '/v1/session', expect: everyone(204) },
  {
    method: 'POST',
    route: '/v1/ingest-sources',
    path: () => '/v1/ingest-sources',
    body: () => ({ name: 'O.D.I.N. A', kind: 'odin', org_id: orgA }),
    expect: expecting({ admin: 201, orgA: 201 }),
  },
  { method: 'GET', route: '/v1/ingest-sources', path: () => '/v1/ingest-sources', expect: expecting({ admin: 200, orgA: 200, orgB: 200 }) },
  {
    method: 'GET',
    route: '/v1/ingest-sources/:id',
    path: async () => `/v1/ingest-sources/${(await ingestSourceA()).id}`,
    expect: orgAResource(200),
  },
  {
    method: 'DELETE',
    route: '/v1/ingest-sources/:id',
    path: async () => `/v1/ingest-sources/${(await ingestSourceA()).id}`,
    expect: orgAResource(204),
  },
  // The key in the path is the credential: a header, valid or not, changes nothing.
  {
    method: 'POST',
    route: '/v1/ingest/:key',
    path: async () => `/v1/ingest/${(await ingestSourceA()).key}`,
    body: () => alertBody,
    expect: everyone(202),
  },

  { method: 'GET', route: '/metrics', path: () => '/metrics', expect: expecting({ admin: 200 }) },
  { method: 'GET', route: '/admin/queues', path: () => '/admin/queues', expect: expecting({ admin: 200 }) },
  { method: 'GET', route: '/admin/login', path: () => '/admin/login', expect: everyone(200) },
  // The login form takes the token in the body: only an admin token opens a session.
  {
    method: 'POST',
    route: '/admin/login',
    path: () => '/admin/login',
    form: (who) => ({ token: tokens[who] ?? '' }),
    expect: { ...everyone(401), admin: 303 },
  },
  { method: 'GET', route: '/admin/logout', path: () => '/admin/logout', expect: everyone(303) },
  { method: 'POST', route: '/admin/logout', path: () => '/admin/logout', expect: everyone(303) },
];

describe('role matrix: every route × every kind of caller', () => {
  test('the matrix lists every route the server registers', () => {
    const inMatrix = new Set(ROWS.map((row) => `${row.method} ${row.route}`));
    const registered = registeredRoutes(herald.api.server)
      // HEAD twins of GET routes; bull-board's own assets and JSON API under the dashboard path; Swagger UI's
      // own assets and copies of the document under /docs (public, as /docs is).
      .filter(
        (route) =>
          route.method !== 'HEAD' &&
          !route.url.startsWith('/admin/queues/') &&
          (!route.url.startsWith('/docs/') || route.url === '/docs/openapi.json'),
      )
      .map((route) => `${route.method} ${route.url}`);
    expect([...new Set(registered)].filter((route) => !inMatrix.has(route)).sort()).toEqual([]);
    expect([...inMatrix].filter((route) => !registered.includes(route)).sort()).toEqual([]);
  });

  for (const row of ROWS) {
    test(`${row.method} ${row.route}`, async () => {
      const got: Partial<Record<Who, number>> = {};
      const bodies: Partial<Record<Who, string>> = {};
      for (const who of WHO) {
        await row.before?.();
        const result = await call(who, row.method, await row.path(who), row.body?.(who), row.form?.(who));
        got[who] = result.status;
        bodies[who] = result.text;
      }
      expect(got).toEqual(row.expect);
      // Refusals are JSON errors naming what is wrong (the login form answers with itself instead).
      for (const who of WHO) {
        if (row.route !== '/admin/login' && [401, 403, 404].includes(got[who] ?? 0)) {
          expect(JSON.parse(bodies[who] ?? '{}')).toEqual(
            expect.objectContaining({ error: expect.any(String), message: expect.any(String) }),
          );
        }
      }
    });
  }
});

describe("the dashboard's own assets and JSON API", () => {
  test('need an admin token like the page itself', async () => {
    for (const path of ['/admin/queues/api/queues', '/admin/queues/static/images/logo.svg', '/admin/queues/queue/deliveries']) {
      const got: Partial<Record<Who, number>> = {};
      for (const who of WHO) got[who] = (await call(who, 'GET', path)).status;
      expect({ path, got }).toEqual({ path, got: expecting({ admin: 200 }) });
    }
  });

  test('the board is read-only and serves no file outside its assets', async () => {
    for (const action of ['pause', 'empty', 'obliterate']) {
      const response = await call('admin', 'PUT', `/admin/queues/api/queues/deliveries/${action}`);
      expect({ action, ok: response.status < 300 }).toEqual({ action, ok: false });
    }
    expect(await herald.context.queues.deliveries.isPaused()).toBe(false);
    // Still holding its finished jobs: nothing was emptied or obliterated.
    const finished = await herald.context.queues.deliveries.getJobCounts('completed', 'failed');
    expect((finished.completed ?? 0) + (finished.failed ?? 0)).toBeGreaterThan(0);
    for (const path of [
      '/admin/queues/static/..%2f..%2fpackage.json',
      '/admin/queues/static/%2e%2e/%2e%2e/package.json',
      '/admin/queues/static/nope.js',
    ]) {
      expect({ path, status: (await call('admin', 'GET', path)).status }).toEqual({ path, status: 404 });
    }
  });
});

describe("organization B's admin never reaches organization A", () => {
  const asB = (method: string, path: string, body?: unknown) => herald.request(method, path, body, tokens.orgB);

  test('listings show B only its own', async () => {
    const alerts = await asB('GET', '/v1/alerts?limit=500');
    expect(alerts.status).toBe(200);
    expect(alerts.body.data.filter((a: { org_id: number | null }) => a.org_id !== orgB)).toEqual([]);
    expect(JSON.stringify(alerts.body)).not.toContain(alertA);

    const deliveries = await asB('GET', '/v1/deliveries?limit=500');
    expect(deliveries.status).toBe(200);
    const seen = JSON.stringify(deliveries.body);
    expect(seen).not.toContain(failedDeliveryA);
    expect(seen).not.toContain(deliveryAToSystem);
    expect((await asB('GET', `/v1/deliveries?webhook_id=${webhookA}`)).body.data).toEqual([]);
    expect((await asB('GET', `/v1/deliveries?alert_id=${alertA}`)).body.data).toEqual([]);

    expect((await asB('GET', '/v1/printers')).body.data).toEqual([{ id: 201, name: 'B-1', org_id: orgB }]);
    expect((await asB('GET', '/v1/orgs')).body.data.map((o: { id: number }) => o.id)).toEqual([orgB]);
    expect((await asB('GET', `/v1/orgs/${orgB}/webhooks`)).body.data.map((w: { id: string }) => w.id)).toEqual([webhookB]);
  });

  test("A's webhook cannot be reached through B's own organization path", async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'hijack' }],
      ['DELETE', '', undefined],
      ['POST', '/test', undefined],
      ['POST', '/rotate-secret', undefined],
      ['POST', `/replay?since=${startedAt}`, undefined],
    ] as const) {
      const response = await asB(method, `/v1/orgs/${orgB}/webhooks/${webhookA}${suffix}`, body);
      expect({ method, suffix, status: response.status }).toEqual({ method, suffix, status: 404 });
    }
    const webhook = await herald.request('GET', `/v1/orgs/${orgA}/webhooks/${webhookA}`);
    expect(webhook.body.name).toBe('A');
  });

  test("neither org admin sees or retries a delivery to the operator's system webhook, even of its own alert", async () => {
    const asA = (method: string, path: string) => herald.request(method, path, undefined, tokens.orgA);
    expect((await herald.request('GET', `/v1/deliveries/${deliveryAToSystem}`)).status).toBe(200);
    expect((await asA('GET', `/v1/deliveries/${deliveryAToSystem}`)).status).toBe(404);
    expect((await asA('POST', `/v1/deliveries/${deliveryAToSystem}/retry`)).status).toBe(404);
    expect((await asB('GET', `/v1/deliveries/${deliveryAToSystem}`)).status).toBe(404);
    expect((await asB('POST', `/v1/deliveries/${deliveryAToSystem}/retry`)).status).toBe(404);
    // A's own listings and its alert's detail show only the delivery to A's webhook: no system name or host.
    const listed = await asA('GET', `/v1/deliveries?alert_id=${alertA}`);
    expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([failedDeliveryA]);
    const alert = await asA('GET', `/v1/alerts/${alertA}`);
    expect(alert.status).toBe(200);
    expect(alert.body.deliveries.map((d: { id: string }) => d.id)).toEqual([failedDeliveryA]);
    expect(JSON.stringify([listed.body, alert.body])).not.toContain(systemWebhook);
  });

  test("an ingestor bound to A cannot post for B's printers", async () => {
    const response = await herald.request('POST', '/v1/alerts', { ...alertBody, printer_id: 201 }, tokens.ingestorA);
    expect(response.status).toBe(403);
    const batch = await herald.request(
      'POST',
      '/v1/alerts/batch',
      { alerts: [alertBody, { ...alertBody, printer_id: 201 }] },
      tokens.ingestorA,
    );
    expect(batch.status).toBe(403);
  });
});

describe('tokens', () => {
  test('the secret is shown once, listings show only its prefix, and revocation is immediate', async () => {
    const created = await herald.request('POST', '/v1/tokens', { name: 'ci', role: 'org_admin', org_id: orgA });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        name: 'ci',
        role: 'org_admin',
        org_id: orgA,
        revoked_at: null,
        secret: expect.stringMatching(/^hrld_[A-Za-z0-9_-]{43}$/),
      }),
    );
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);
    const secret = created.body.secret as string;

    const list = await herald.request('GET', '/v1/tokens');
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.data.find((t: { id: string }) => t.id === created.body.id)).toEqual(
      expect.objectContaining({ prefix: created.body.prefix }),
    );
    expect(list.body.data.every((t: Record<string, unknown>) => !('secret' in t) && !('hash' in t))).toBe(true);

    expect((await herald.request('GET', `/v1/orgs/${orgA}`, undefined, secret)).status).toBe(200);
    // Use is noted (to the minute), so idle tokens can be found.
    await eventually('last_used_at to be set', async () => {
      const listed = (await herald.request('GET', '/v1/tokens')).body.data.find((t: { id: string }) => t.id === created.body.id);
      return listed.last_used_at ? true : undefined;
    });
    expect((await herald.request('DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await herald.request('GET', `/v1/orgs/${orgA}`, undefined, secret)).status).toBe(401);
    const revoked = (await herald.request('GET', '/v1/tokens')).body.data.find((t: { id: string }) => t.id === created.body.id);
    expect(revoked.revoked_at).toEqual(expect.any(String));
  });

  test('role and organization rules for new tokens', async () => {
    const bad = [
      { name: 'x', role: 'org_admin' },
      { name: 'x', role: 'admin', org_id: orgA },
      { name: 'x', role: 'ingestor', org_id: 999_999 },
      { name: 'x', role: 'root' },
      { role: 'ingestor' },
    ];
    for (const body of bad) {
      const response = await herald.request('POST', '/v1/tokens', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.errors.length).toBeGreaterThan(0);
    }
  });

  test('an org admin token cannot mint tokens, even for its own organization', async () => {
    const response = await herald.request('POST', '/v1/tokens', { name: 'escalate', role: 'admin' }, tokens.orgA);
    expect(response.status).toBe(403);
  });
});

describe('printers: only an admin registers them or moves them between organizations', () => {
  const asA = (method: string, path: string, body?: unknown) => herald.request(method, path, body, tokens.orgA);
  const allPrinters = async () =>
    (await herald.request('GET', '/v1/printers')).body.data as { id: number; name: string; org_id: number | null }[];
  const onlyAdmins = { error: 'forbidden', message: expect.stringContaining('only an admin') };

  test("an org admin cannot claim a printer no one registered yet, so it never gets that printer's alerts", async () => {
    const claim = await asA('PUT', '/v1/printers/4242', { name: 'Claimed', org_id: orgA });
    expect(claim.status).toBe(403);
    expect(claim.body).toEqual(onlyAdmins);
    expect((await allPrinters()).map((printer) => printer.id)).not.toContain(4242);

    const alertId = await postAlert(herald, { printer_id: 4242 });
    expect((await herald.request('GET', `/v1/alerts/${alertId}`)).body.org_id).toBeNull();
    expect((await asA('GET', `/v1/alerts/${alertId}`)).status).toBe(404);
  });

  test('once an admin registers a printer in its organization, the org admin may rename it but not move it', async () => {
    expect((await herald.request('PUT', '/v1/printers/4243', { name: 'A-2', org_id: orgA })).status).toBe(200);
    const renamed = await asA('PUT', '/v1/printers/4243', { name: 'A-2 by the door', org_id: orgA });
    expect(renamed).toMatchObject({ status: 200, body: { id: 4243, name: 'A-2 by the door', org_id: orgA } });

    for (const elsewhere of [null, orgB]) {
      const moved = await asA('PUT', '/v1/printers/4243', { name: 'A-2 by the door', org_id: elsewhere });
      expect({ elsewhere, status: moved.status, body: moved.body }).toEqual({ elsewhere, status: 403, body: onlyAdmins });
    }
    expect(await allPrinters()).toContainEqual({ id: 4243, name: 'A-2 by the door', org_id: orgA });

    // The admin moves it; from then on A's admin can no longer touch it.
    expect((await herald.request('PUT', '/v1/printers/4243', { name: 'B-2', org_id: orgB })).status).toBe(200);
    expect((await asA('PUT', '/v1/printers/4243', { name: 'back', org_id: orgA })).status).toBe(404);
    expect(await allPrinters()).toContainEqual({ id: 4243, name: 'B-2', org_id: orgB });
  });
});
