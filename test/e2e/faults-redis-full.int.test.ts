import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { startPrivateRedis, type PrivateRedis } from '../support/processes';
import { createWebhook, eventually } from '../support/admin-fixtures';
import { countDeliveries, reportFault } from '../../packages/delivery/test/support/fault-kit';

// Issue 16, defects 3 and 6: Redis refuses every write (out of memory, noeviction) while alerts
// arrive. Own redis-server; API and worker in this process, their log lines captured.
jest.setTimeout(90_000);

const ALERTS = 30;
const FULL_MS = 5_000;
let redisServer: PrivateRedis;
let admin: Redis;
let herald: Harness;
let receiver: WebhookReceiver;
const logLines: string[] = [];

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  admin = new Redis(redisServer.url);
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
  receiver = await startWebhookReceiver();
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  herald = await startHarness({ env: { REDIS_URL: redisServer.url, LOG_LEVEL: 'info' }, logDestination });
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
  await admin?.quit();
  await redisServer?.stop();
});

async function metric(name: string): Promise<string[]> {
  const { body } = await herald.request('GET', '/metrics');
  return String(body)
    .split('\n')
    .filter((line) => line.startsWith(name));
}

test('Redis out of memory: /readyz not ready and a metric say so, logs stay quiet, and every accepted alert is delivered once it has room', async () => {
  receiver.on('/oom', () => ({ status: 204 }));
  await createWebhook(herald, '/v1/webhooks', { name: 'oom', url: receiver.url('/oom'), type: 'generic', alert_types: ['print_failed'] });
  expect((await herald.request('GET', '/readyz')).status).toBe(200);

  // Every write refused from now on.
  await admin.config('SET', 'maxmemory', '1');
  const fullAt = Date.now();
  const linesBefore = logLines.length;
  for (let i = 0; i < ALERTS; i += 1) {
    const response = await herald.request('POST', '/v1/alerts', { type: 'print_failed', title: `oom ${i}`, message: 'm', printer_id: 1 });
    expect(response.status).toBe(202);
  }
  const ready = await herald.request('GET', '/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.redis).toBe('out_of_memory');
  expect(await metric('herald_redis_write_state{state="out_of_memory"}')).toEqual(['herald_redis_write_state{state="out_of_memory"} 1']);
  // The database says alerts wait, whatever the queues say.
  const [oldest] = await metric('herald_oldest_undelivered_alert_age_seconds ');
  expect(Number(oldest?.split(' ')[1])).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, FULL_MS - (Date.now() - fullAt))));
  const linesWhileFull = logLines.length - linesBefore;
  expect(receiver.requestsFor('/oom')).toHaveLength(0);

  await admin.config('SET', 'maxmemory', '0');
  const roomAt = Date.now();
  await receiver.waitFor(() => new Set(receiver.requestsFor('/oom').map((r) => r.headers['webhook-id'])).size >= ALERTS, 30_000);
  const recoveryMs = Date.now() - roomAt;
  await eventually('/readyz ready again', async () => ((await herald.request('GET', '/readyz')).status === 200 ? true : undefined));

  const figures = countDeliveries(
    ALERTS,
    receiver.requestsFor('/oom').map((r) => String(r.headers['webhook-id'])),
  );
  reportFault('redis-out-of-memory', {
    sent: ALERTS,
    ...figures,
    full_ms: FULL_MS,
    log_lines_while_full: linesWhileFull,
    recovery_ms: recoveryMs,
  });
  expect(figures.lost).toBe(0);
  // One line per distinct error per minute, not one per failed call.
  expect(linesWhileFull).toBeLessThan(40);
});
