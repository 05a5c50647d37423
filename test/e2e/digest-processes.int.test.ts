import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { spawnApp, waitForOutput, type HeraldProcess } from '../support/processes';

jest.setTimeout(90_000);

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

let herald: Harness;
let receiver: WebhookReceiver;
const digests: HeraldProcess[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness();
});

afterAll(async () => {
  for (const proc of digests) if (proc.child.exitCode === null) proc.kill('SIGKILL');
  await herald?.close();
  await receiver?.close();
});

// Real wall clock and real processes: a quiet window that ended a minute ago, alerts held in it,
// then three digest processes started at once. Each claims (scope, window) through the database.
test('three digest processes started together send exactly one digest per webhook', async () => {
  const nowMs = Date.now();
  const minute = 60_000;
  const windowStart = Math.floor(nowMs / minute) * minute - 3 * minute;
  const windowEnd = windowStart + 2 * minute;
  for (const type of ['generic', 'discord']) {
    const created = await herald.request('POST', '/v1/webhooks', { name: type, url: receiver.url(`/digest/${type}`), type });
    expect(created.status).toBe(201);
  }
  const put = await herald.request('PUT', '/v1/settings/quiet-hours', {
    enabled: true,
    start: hhmm(windowStart),
    end: hhmm(windowEnd),
    timezone: 'UTC',
  });
  expect(put.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await herald.request('POST', '/v1/alerts', {
      type: i % 2 ? 'print_failed' : 'spool_low',
      title: `held ${i}`,
      message: 'm',
      printer_id: 1,
      timestamp: (windowStart + minute + i * 1000) / 1000,
    });
    ids.push(response.body.id);
  }
  const prisma = herald.context.database.prisma;
  const deadline = Date.now() + 10_000;
  while ((await prisma.alert.count({ where: { id: { in: ids }, status: 'suppressed' } })) < 5) {
    if (Date.now() > deadline) throw new Error('alerts were not held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(receiver.requests).toHaveLength(0);

  const env = {
    DATABASE_URL: herald.config.databaseUrl as string,
    REDIS_URL: herald.config.redisUrl,
    HERALD_QUEUE_PREFIX: herald.config.queuePrefix,
    HERALD_FERNET_KEYS: herald.config.fernetKeys.join(','),
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
  };
  for (let i = 0; i < 3; i++) digests.push(spawnApp('digest', env));
  await Promise.all(digests.map((proc) => waitForOutput(proc, /digest cron started/)));

  // The in-process worker of the harness delivers what the digest processes queue.
  await receiver.waitFor((r) => r.filter((x) => x.path.startsWith('/digest/')).length >= 2, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(receiver.requestsFor('/digest/generic')).toHaveLength(1);
  expect(receiver.requestsFor('/digest/discord')).toHaveLength(1);
  expect(receiver.requestsFor('/digest/generic')[0]?.json).toMatchObject({ type: 'quiet_hours_digest', scope: 'system', alert_count: 5 });
  expect(await prisma.digest.count({ where: { scopeKey: 'system', windowStart: new Date(windowStart) } })).toBe(1);
  const claimers = digests.filter((proc) => /digest dispatched/.test(proc.output()));
  expect(claimers).toHaveLength(1);

  for (const proc of digests) proc.kill('SIGTERM');
  expect(await Promise.all(digests.map((proc) => proc.exited))).toEqual([0, 0, 0]);
});
