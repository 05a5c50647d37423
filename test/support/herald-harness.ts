import { randomBytes } from 'node:crypto';
import pino, { type DestinationStream } from 'pino';
import { loadConfig, REDACTED_PATHS, type HeraldConfig } from '@herald/config';
import { generateFernetKey } from '@herald/crypto';
import { createHeraldContext, startApi, startWorker, type HeraldContext, type RunningApi, type StartWorkerOptions } from '@herald/runtime';
import type { DeliveryWorker } from '@herald/delivery';
import { createTestDatabase, type TestDatabase } from './database';

export interface HarnessOptions {
  env?: Record<string, string>;
  worker?: boolean;
  /** Passed to the worker (e.g. a small first-attempts page size). */
  workerOptions?: Omit<StartWorkerOptions, 'now'>;
  now?: () => number;
  /** Where log lines go (with the env's LOG_LEVEL), so a test can read every line Herald writes. */
  logDestination?: DestinationStream;
}

/** One isolated Herald (API + worker in this process) on its own database and Redis key prefix. */
export interface Harness {
  config: HeraldConfig;
  context: HeraldContext;
  api: RunningApi;
  worker: DeliveryWorker | null;
  database: TestDatabase;
  adminToken: string;
  request(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const adminToken = `test-admin-${randomBytes(8).toString('hex')}`;
  const config = loadConfig({
    HERALD_ENV: 'test',
    DATABASE_URL: database.url,
    HERALD_QUEUE_PREFIX: `{herald-test-${randomBytes(6).toString('hex')}}`,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    HERALD_SWEEP_INTERVAL_MS: '500',
    HERALD_SWEEP_STALE_MS: '1000',
    // Role matrices send many revoked and wrong tokens from one address; the throttle's own test sets a low limit.
    HERALD_AUTH_FAILURE_LIMIT: '100000',
    ...options.env,
  });
  const logger = options.logDestination
    ? pino(
        { name: 'herald-test', level: config.log.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
        options.logDestination,
      )
    : undefined;
  const context = await createHeraldContext(config, 'api', logger);
  const api = await startApi(context, { now: options.now });
  const worker = options.worker === false ? null : await startWorker(context, { ...options.workerOptions, now: options.now });
  return {
    config,
    context,
    api,
    worker,
    database,
    adminToken,
    async request(method, path, body, token = adminToken) {
      const response = await fetch(`${api.address}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await api.close();
      await worker?.close();
      const client = context.redis;
      // Remove this test's queues from the shared Redis.
      const keys = await client.keys(`${config.queuePrefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await client.del(...keys).catch(() => undefined);
      await context.close();
      await database.drop();
    },
  };
}
