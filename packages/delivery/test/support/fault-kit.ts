import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateFernetKey } from '@herald/crypto';
import { createDatabase } from '@herald/db';
import { freePort, spawnApp, waitForOutput, type HeraldProcess } from '../../../../test/support/processes';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../test/support/webhook-receiver';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);

/** Starts one of Herald's apps as a real separate process (see test/support/processes.ts). */
export function spawnHerald(app: 'api' | 'worker', env: Record<string, string>): HeraldProcess {
  return spawnApp(app, env);
}

/** Stops a process this test started, if it still runs (SIGKILL after `graceMs`). */
export async function stopProcess(proc: HeraldProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

export interface FaultFigures {
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  [extra: string]: number | string;
}

/** One summary line per fault on stdout, and the same figures in test-results/faults.json. */
export function reportFault(name: string, figures: FaultFigures): void {
  const line = `FAULT ${name}: ${Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}\n`;
  process.stdout.write(line);
  const dir = path.join(ROOT, 'test-results');
  const file = path.join(dir, 'faults.json');
  fs.mkdirSync(dir, { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[name] = { ...figures, recordedAt: new Date().toISOString() };
  fs.writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/** Delivered alerts, repeats and losses, from what a receiver saw (one delivery per alert). */
export function countDeliveries(sent: number, deliveryIdsSeen: string[]): { delivered: number; duplicates: number; lost: number } {
  const unique = new Set(deliveryIdsSeen).size;
  return { delivered: unique, duplicates: deliveryIdsSeen.length - unique, lost: sent - unique };
}

const PG_BIN = process.env.HERALD_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throw-away PostgreSQL cluster on a free port that a test may stop and start. */
export interface PrivateCluster {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` user then. */
async function pgTool(tool: string, args: string[]): Promise<void> {
  const binary = path.join(PG_BIN, tool);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', binary, ...args]);
  else await run(binary, args);
}

export async function startPrivateCluster(port: number, settings: { maxConnections?: number } = {}): Promise<PrivateCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-pg-'));
  if (process.getuid?.() === 0) await run('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  await pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${settings.maxConnections ?? 100}`;
  const start = () => pgTool('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stop = () => pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Herald's API and worker as separate processes on a throw-away PostgreSQL cluster, with a receiver and an admin client. */
export interface HeraldOnPrivateCluster {
  cluster: PrivateCluster;
  receiver: WebhookReceiver;
  api: HeraldProcess;
  worker: HeraldProcess;
  /** An admin API call with a time limit. */
  call(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Response>;
  /** Stops the processes, the receiver and the cluster, and removes the test's Redis keys. */
  close(): Promise<void>;
}

export async function startHeraldOnPrivateCluster(
  name: string,
  settings: { maxConnections?: number } = {},
): Promise<HeraldOnPrivateCluster> {
  const adminToken = `fault-admin-${randomBytes(16).toString('hex')}`;
  const prefix = `{herald-${name}-${randomBytes(4).toString('hex')}}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const cluster = await startPrivateCluster(await freePort(), settings);
  const database = await createDatabase({ databaseUrl: cluster.url, dataDir: os.tmpdir(), role: 'api' });
  await database.migrate();
  await database.close();
  const receiver = await startWebhookReceiver();
  const port = await freePort();
  const env = {
    DATABASE_URL: cluster.url,
    REDIS_URL: redisUrl,
    HERALD_QUEUE_PREFIX: prefix,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_SWEEP_INTERVAL_MS: '500',
    HERALD_SWEEP_STALE_MS: '1000',
    HERALD_JOB_LOCK_MS: '5000',
    PORT: String(port),
  };
  const api = spawnHerald('api', env);
  const worker = spawnHerald('worker', env);
  await Promise.all([waitForOutput(api, /Herald API listening/, 30_000), waitForOutput(worker, /delivery worker started/, 30_000)]);
  return {
    cluster,
    receiver,
    api,
    worker,
    call: (method, path, body, timeoutMs = 15_000) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      }),
    async close() {
      await stopProcess(worker);
      await stopProcess(api);
      await receiver.close();
      await cluster.destroy();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}
