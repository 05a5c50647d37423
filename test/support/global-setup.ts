import net from 'node:net';
import { TEST_DATABASE_PREFIX } from './database';
import { adminUrl, ensureTemplateDatabase, quoteIdent, TEMPLATE_PREFIX, withAdminClient } from './template-database';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const STALE_AFTER_MS = 6 * 3_600_000;

/** host:port only: connection strings may carry passwords. */
function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432')}`;
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.message && e.code && !e.message.includes(e.code)) return `${e.message} (${e.code})`;
  return e.message || e.code || String(error);
}

/** Sends PING and waits for any reply: an answer (even -NOAUTH) means a Redis is listening. */
function pingRedis(url: string, timeoutMs = 2_000): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      if (/^[+-]/.test(data.toString())) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(data.toString().slice(0, 40))} (not Redis?)`));
    });
  });
}

async function checkRedis(): Promise<void> {
  const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  try {
    await pingRedis(url);
  } catch (error) {
    throw new Error(
      `Integration tests need Redis at ${where(url)} (set REDIS_URL to use another), but it did not answer: ${reason(error)}.\n` +
        'Start one with `redis-server --daemonize yes` or `docker run -d -p 6379:6379 redis:7`, or run only the unit tests: `npm run test:unit`.',
    );
  }
}

async function checkPostgres(): Promise<void> {
  const url = adminUrl();
  try {
    await withAdminClient((client) => client.query('SELECT 1'));
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL at ${where(url)} (TEST_DATABASE_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres; ` +
        `the role must be allowed to CREATE DATABASE), but connecting failed: ${reason(error)}.\n` +
        'Start one with `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`, or run only the unit tests: `npm run test:unit`.',
    );
  }
}

/** Drops databases left behind by crashed runs, and templates of older migration sets. Best effort. */
async function dropLeftovers(currentTemplate: string): Promise<void> {
  await withAdminClient(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    for (const { datname } of rows) {
      const test = new RegExp(`^${TEST_DATABASE_PREFIX}([0-9a-z]+)_[0-9a-f]{8}$`).exec(datname);
      const staleTest = test?.[1] !== undefined && Date.now() - parseInt(test[1], 36) > STALE_AFTER_MS;
      // Only CI drops other templates: on a developer machine several checkouts (git worktrees) may test at once,
      // each with its own migration set, and must not drop each other's template mid-run.
      const oldTemplate = process.env.CI === 'true' && datname.startsWith(TEMPLATE_PREFIX) && !datname.startsWith(currentTemplate);
      if (staleTest || oldTemplate) {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => undefined);
      }
    }
  });
}

/** Jest globalSetup for the integration project: services answer, and the migrated template exists. */
export default async function globalSetup(): Promise<void> {
  const problems = (await Promise.allSettled([checkRedis(), checkPostgres()]))
    .filter((result) => result.status === 'rejected')
    .map((result) => (result.reason as Error).message);
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
  const template = await ensureTemplateDatabase();
  await dropLeftovers(template);
}
