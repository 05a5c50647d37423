import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { generateFernetKey } from '@herald/crypto';
import { createDatabase } from '@herald/db';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { freePort, waitForOutput, type HeraldProcess } from '../support/processes';
import {
  countDeliveries,
  reportFault,
  spawnHerald,
  startPrivateCluster,
  stopProcess,
  type PrivateCluster,
} from '../../packages/delivery/test/support/fault-kit';

// PostgreSQL stopped for 20 s while alerts keep coming: a throw-away cluster, real API and worker processes.
jest.setTimeout(150_000);

const OUTAGE_MS = 20_000;
const adminToken = `fault-admin-${randomBytes(8).toString('hex')}`;
const prefix = `{herald-pgfault-${randomBytes(4).toString('hex')}}`;
let cluster: PrivateCluster;
let receiver: WebhookReceiver;
let api: HeraldProcess | undefined;
let worker: HeraldProcess | undefined;
let address = '';

beforeAll(async () => {
  cluster = await startPrivateCluster(await freePort());
  const database = await createDatabase({ databaseUrl: cluster.url, dataDir: os.tmpdir(), role: 'api' });
  await database.migrate();
  await database.close();
  receiver = await startWebhookReceiver();
  const port = await freePort();
  const env = {
    DATABASE_URL: cluster.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    HERALD_QUEUE_PREFIX: prefix,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_SWEEP_INTERVAL_MS: '500',
    HERALD_SWEEP_STALE_MS: '1000',
    HERALD_JOB_LOCK_MS: '5000',
    PORT: String(port),
  };
  api = spawnHerald('api', env);
  worker = spawnHerald('worker', env);
  await Promise.all([waitForOutput(api, /Herald API listening/, 30_000), waitForOutput(worker, /delivery worker started/, 30_000)]);
  address = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await stopProcess(worker);
  await stopProcess(api);
  await receiver?.close();
  await cluster?.destroy();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${address}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

test('ingest answers 503 with Retry-After while it is down and saves nothing half-way; workers pause, resume, and lose nothing', async () => {
  receiver.on('/pg', () => ({ status: 204, delayMs: 10 }));
  expect((await call('POST', '/v1/webhooks', { name: 'pg', url: receiver.url('/pg'), type: 'generic' })).status).toBe(201);

  const accepted = new Set<string>();
  const refused: string[] = [];
  const other: string[] = [];
  let sent = 0;
  let producing = true;
  // One alert every 100 ms for the whole run: before, during and after the outage.
  const producer = (async () => {
    while (producing) {
      const title = `pg ${sent++}`;
      try {
        const response = await call('POST', '/v1/alerts', { type: 'print_failed', title, message: 'm', printer_id: 1 });
        if (response.status === 202) accepted.add(title);
        else if (response.status === 503 && Number(response.headers.get('retry-after')) > 0) refused.push(title);
        else other.push(`${title}: ${response.status}`);
      } catch (error) {
        other.push(`${title}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  await receiver.waitFor(() => receiver.requestsFor('/pg').length >= 10, 20_000);
  await cluster.stop();
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await cluster.start();
  const outageMs = Date.now() - stoppedAt;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  producing = false;
  await producer;

  const titlesSeen = () => new Set(receiver.requestsFor('/pg').map((r) => (r.json as { title: string }).title));
  await receiver.waitFor(() => [...accepted].every((title) => titlesSeen().has(title)), 60_000);

  // Exactly the accepted alerts are in the database: nothing refused was half-saved.
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  const saved = (await client.query<{ title: string }>('SELECT title FROM alerts')).rows.map((r) => r.title);
  await client.end();
  expect(other).toEqual([]);
  expect(new Set(saved)).toEqual(accepted);
  expect(refused.length).toBeGreaterThan(10);
  expect(refused.every((title) => !saved.includes(title))).toBe(true);

  // The worker paused while the database was away and resumed after.
  expect(worker?.output()).toMatch(/database unreachable: pausing work/);
  expect(worker?.output()).toMatch(/database reachable again: resuming work/);

  const deliveryIds = receiver.requestsFor('/pg').map((r) => String(r.headers['webhook-id']));
  const figures = countDeliveries(accepted.size, deliveryIds);
  reportFault('postgres-down', { sent: accepted.size, ...figures, refused_503: refused.length, outage_ms: outageMs });
  expect(figures.lost).toBe(0);
  expect([...titlesSeen()].every((title) => accepted.has(title))).toBe(true);
});
