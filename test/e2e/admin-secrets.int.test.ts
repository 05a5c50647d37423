import { randomBytes } from 'node:crypto';
import { freePort } from '../support/processes';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createOrg, createWebhook, deliveriesOnceSettled, deliveryWithStatus, eventually, postAlert } from '../support/admin-fixtures';

/**
 * After webhooks are created, changed, tested and delivered to (successfully, with retries, dead,
 * unreachable), no clear URL may appear in the database, any API answer, any log line, the
 * metrics, the dashboard's job data or Redis. The secret part of each URL is a random token; the
 * masked form shows at most its last four characters, so the test looks for the rest.
 */
const secrets: string[] = [];
const urls: string[] = [];
function secretUrl(base: (path: string) => string, prefix: string, suffix = ''): string {
  const token = `sec${randomBytes(12).toString('hex')}`;
  secrets.push(token.slice(0, -4));
  const url = base(`${prefix}/${token}${suffix}`);
  urls.push(url);
  return url;
}

jest.setTimeout(60_000);

/** Where any URL, or the secret part of one, shows up in the collected texts. */
function leaks(corpus: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(corpus)) {
    for (const secret of secrets) if (text.includes(secret)) found.push(`${where} contains ${secret}…`);
    for (const url of urls) if (text.includes(url)) found.push(`${where} contains ${url}`);
  }
  return found;
}

let herald: Harness;
let receiver: WebhookReceiver;
const logLines: string[] = [];
const answers: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const response = await herald.request(method, path, body);
  answers.push(
    `${method} ${path} -> ${response.status} ${typeof response.body === 'string' ? response.body : JSON.stringify(response.body)}`,
  );
  return response;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({
    env: { LOG_LEVEL: 'debug', HERALD_RETRY_SCHEDULE: '1,1' },
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function databaseDump(): Promise<string> {
  const prisma = herald.context.database.prisma;
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  let dump = '';
  for (const { table_name } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS row FROM "${table_name.replace(/"/g, '')}" t`,
    );
    dump += `${table_name}:\n${rows.map((r) => r.row).join('\n')}\n`;
  }
  return dump;
}

async function redisDump(): Promise<string> {
  const redis = herald.context.redis;
  const keys = await redis.keys(`${herald.config.queuePrefix}*`);
  let dump = '';
  for (const key of keys) {
    const type = await redis.type(key);
    const value =
      type === 'hash'
        ? await redis.hgetall(key)
        : type === 'list'
          ? await redis.lrange(key, 0, -1)
          : type === 'zset'
            ? await redis.call('ZRANGE', key, '0', '-1')
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'string'
                ? await redis.get(key)
                : type === 'stream'
                  ? await redis.call('XRANGE', key, '-', '+')
                  : null;
    dump += `${key} ${JSON.stringify(value)}\n`;
  }
  return dump;
}

test('no clear webhook URL in the database, API answers, logs, metrics, dashboard data or Redis', async () => {
  const orgA = await createOrg(herald, 'Secret Farm');
  expect((await api('PUT', '/v1/printers/7', { name: 'P7', org_id: orgA })).status).toBe(200);

  const discord = await createWebhook(herald, '/v1/webhooks', {
    name: 'discord',
    url: secretUrl(receiver.url, '/api/webhooks/1234'),
    type: 'discord',
  });
  await createWebhook(herald, '/v1/webhooks', { name: 'slack', url: secretUrl(receiver.url, '/services/T000/B000'), type: 'slack' });
  const queryKey = `key${randomBytes(8).toString('hex')}`;
  secrets.push(queryKey);
  const generic = await createWebhook(herald, '/v1/webhooks', {
    name: 'generic with a key in the query',
    url: secretUrl(receiver.url, '/hook', `?key=${queryKey}`),
    type: 'generic',
  });
  const orgHook = await createWebhook(herald, `/v1/orgs/${orgA}/webhooks`, {
    name: 'org',
    url: secretUrl(receiver.url, '/org'),
    type: 'generic',
  });
  const setting = await api('PUT', `/v1/orgs/${orgA}/settings`, { webhook_url: secretUrl(receiver.url, '/setting') });
  expect(setting.status).toBe(200);
  const flakyUrl = secretUrl(receiver.url, '/flaky');
  receiver.on(new URL(flakyUrl).pathname, () => ({ status: 500 }));
  const flaky = await createWebhook(herald, '/v1/webhooks', { name: 'flaky', url: flakyUrl, type: 'generic' });
  const closedPort = await freePort();
  const down = await createWebhook(herald, '/v1/webhooks', {
    name: 'down',
    url: secretUrl((p) => `http://127.0.0.1:${closedPort}${p}`, '/down'),
    type: 'generic',
  });
  // Pointing a webhook elsewhere: neither the old nor the new URL may show.
  expect((await api('PATCH', `/v1/webhooks/${discord.id}`, { url: secretUrl(receiver.url, '/api/webhooks/5678') })).status).toBe(200);

  for (const hook of [discord, generic, flaky]) expect((await api('POST', `/v1/webhooks/${hook.id}/test`)).status).toBe(200);
  expect((await api('POST', `/v1/orgs/${orgA}/webhooks/${orgHook.id}/test`)).status).toBe(200);
  const unreachable = await api('POST', `/v1/webhooks/${down.id}/test`);
  expect(unreachable.status).toBe(502);

  const alertId = await postAlert(herald, { type: 'spaghetti_detected', printer_id: 7, printer_name: 'P7' });
  const deliveries = await deliveriesOnceSettled(herald, alertId);
  const byWebhook = new Map(deliveries.map((d) => [d.webhook_id, d]));
  expect(byWebhook.get(discord.id)?.status).toBe('delivered');
  expect(byWebhook.get(flaky.id)?.status).toBe('dead');
  expect(byWebhook.get(down.id)?.status).toBe('dead');

  // Retry and replay go through the same path again.
  expect((await api('POST', `/v1/deliveries/${byWebhook.get(down.id)?.id}/retry`)).status).toBe(202);
  expect(
    (await api('POST', `/v1/webhooks/${flaky.id}/replay?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`))
      .status,
  ).toBe(202);
  await deliveryWithStatus(herald, byWebhook.get(down.id)?.id, ['dead']);
  await deliveryWithStatus(herald, byWebhook.get(flaky.id)?.id, ['dead']);

  // Every read the API offers.
  for (const path of [
    '/v1/webhooks',
    `/v1/orgs/${orgA}/webhooks`,
    '/v1/alerts',
    `/v1/alerts/${alertId}`,
    '/v1/deliveries?limit=500',
    '/v1/tokens',
    `/v1/orgs/${orgA}`,
  ]) {
    expect((await api('GET', path)).status).toBe(200);
  }
  for (const hook of [discord, generic, flaky, down]) expect((await api('GET', `/v1/webhooks/${hook.id}`)).status).toBe(200);
  expect((await api('GET', `/v1/orgs/${orgA}/webhooks/${orgHook.id}`)).status).toBe(200);
  for (const delivery of deliveries) expect((await api('GET', `/v1/deliveries/${delivery.id}`)).status).toBe(200);
  for (const queue of ['alerts', 'deliveries']) {
    for (const status of ['latest', 'completed', 'failed', 'delayed', 'waiting']) {
      expect((await api('GET', `/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=100`)).status).toBe(200);
    }
  }
  const metrics = await api('GET', '/metrics');
  expect(metrics.status).toBe(200);

  const corpus = {
    database: await databaseDump(),
    answers: answers.join('\n'),
    logs: logLines.join(''),
    metrics: String(metrics.body),
    redis: await redisDump(),
  };
  // The corpus is real: encrypted URLs in the database, masked ones in answers, delivery lines in the log.
  expect(corpus.database).toMatch(/"url_encrypted":"gAAAAA/);
  expect(corpus.answers).toContain('••••');
  expect(corpus.logs).toContain('"deliveryId"');
  expect(corpus.redis).toContain(byWebhook.get(discord.id)?.id);

  expect(leaks(corpus)).toEqual([]);
  // The search itself would notice a URL logged as it was saved (the masked one is not a leak).
  const masked = (await api('GET', `/v1/webhooks/${flaky.id}`)).body.url as string;
  expect(leaks({ logs: JSON.stringify({ msg: 'saved', target: flakyUrl }) })).not.toEqual([]);
  expect(leaks({ answers: masked })).toEqual([]);

  // Every log line about one delivery names the delivery, its webhook and its alert.
  const deliveryLines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.deliveryId !== undefined);
  expect(deliveryLines.length).toBeGreaterThan(5);
  const outcomes = deliveryLines.filter((line) =>
    ['delivered', 'delivery will be retried', 'delivery dead', 'delivery failed'].includes(String(line.msg)),
  );
  expect(outcomes.length).toBeGreaterThan(0);
  for (const line of outcomes)
    expect(line).toEqual(
      expect.objectContaining({ deliveryId: expect.any(String), webhookId: expect.any(String), alertId: expect.any(String) }),
    );
  await eventually('nothing left in flight', async () =>
    (await herald.context.queues.deliveries.getActiveCount()) === 0 ? true : undefined,
  );
});
