import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateFernetKey } from '@herald/crypto';
import { poolExecutor } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer';
import { freePort, spawnApp, waitForOutput, type HeraldProcess } from '../support/processes';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

const MINUTE = 60_000;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

let database: TestDatabase;
let bouncer: PgBouncer;
let receiver: WebhookReceiver;
const processes: HeraldProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  bouncer = await startPgBouncer(database.name, 2);
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  for (const proc of processes) if (proc.child.exitCode === null) proc.kill('SIGKILL');
  await Promise.all(processes.map((proc) => proc.exited));
  await receiver?.close();
  await bouncer?.stop();
  await database?.drop();
});

test('a named statement refused by PgBouncer in transaction mode switches them off, says which setting to use, and the query still answers', async () => {
  // One server connection shared by two clients: the second client's Parse of the same name meets the first one's.
  const single = await startPgBouncer(database.name, 1);
  const pool = new pg.Pool({ connectionString: single.url, max: 2 });
  const warnings: string[] = [];
  try {
    const sql = poolExecutor(pool, { onWarning: (message) => warnings.push(message) });
    const rows = await Promise.all([1, 2, 3, 4].map((n) => sql.query<{ n: number }>('SELECT $1::int AS n', [n])));
    expect(rows.map((r) => r[0]?.n)).toEqual([1, 2, 3, 4]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('HERALD_DATABASE_PREPARED_STATEMENTS=false');
  } finally {
    await pool.end();
    await single.stop();
  }
});

test('api, worker and digest through PgBouncer 1.18 in transaction mode: every alert delivered, the held ones in one digest', async () => {
  const adminToken = `pgb-${randomBytes(8).toString('hex')}`;
  const port = await freePort();
  const env = {
    DATABASE_URL: bouncer.url,
    HERALD_DATABASE_PREPARED_STATEMENTS: 'false',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    HERALD_QUEUE_PREFIX: `{herald-pgb-${randomBytes(6).toString('hex')}}`,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_DATABASE_POOL_SIZE: '8',
    PORT: String(port),
  };
  const api = spawnApp('api', env);
  const worker = spawnApp('worker', env);
  processes.push(api, worker);
  await Promise.all([waitForOutput(api, /Herald API listening/, 90_000), waitForOutput(worker, /delivery worker started/, 90_000)]);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };

  expect((await call('POST', '/v1/webhooks', { name: 'pgb', url: receiver.url('/pgb'), type: 'generic' })).status).toBe(201);
  // A quiet window that ended a minute ago: alerts stamped inside it are held for the digest.
  const windowStart = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;
  const quiet = { enabled: true, start: hhmm(windowStart), end: hhmm(windowStart + 2 * MINUTE), timezone: 'UTC' };
  expect((await call('PUT', '/v1/settings/quiet-hours', quiet)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const posts = [];
  for (let i = 0; i < 100; i++) {
    posts.push(call('POST', '/v1/alerts', { type: 'print_complete', title: `live ${i}`, message: 'm', printer_id: 1 }));
  }
  for (let i = 0; i < 3; i++) {
    const timestamp = (windowStart + MINUTE + i * 1000) / 1000;
    posts.push(call('POST', '/v1/alerts', { type: 'print_failed', title: `held ${i}`, message: 'm', printer_id: 1, timestamp }));
  }
  const statuses = (await Promise.all(posts)).map((r) => r.status);
  expect(statuses.filter((s) => s !== 202)).toEqual([]);

  const titles = () => new Set(receiver.requestsFor('/pgb').map((r) => (r.json as { title?: string }).title));
  await receiver.waitFor(() => [...titles()].filter((t) => t?.startsWith('live ')).length === 100, 45_000);

  const digest = spawnApp('digest', { ...env, HERALD_DIGEST_CRON: '*/2 * * * * *' });
  processes.push(digest);
  await receiver.waitFor((requests) => requests.some((r) => (r.json as { type?: string } | null)?.type === 'quiet_hours_digest'), 45_000);
  const digests = receiver.requestsFor('/pgb').filter((r) => (r.json as { type?: string }).type === 'quiet_hours_digest');
  expect(digests).toHaveLength(1);
  expect(digests[0]?.json).toMatchObject({ alert_count: 3 });
  for (const output of [api.output(), worker.output(), digest.output()]) {
    expect(output).not.toMatch(/prepared statement "herald_/);
  }
});
