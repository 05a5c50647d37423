import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Agent } from 'undici';
import { generateFernetKey } from '@herald/crypto';

/** Process helpers shared by the bench's scenarios (`main.ts`, `wide-fan-out.ts`, `redis-day.ts`). */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The bench's command-line options (`--name value`): a number, or a string. */
export function benchOptions(args: readonly string[]) {
  const valueOf = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  return {
    option: (name: string, fallback: number) => {
      const value = valueOf(name);
      return value === undefined ? fallback : Number(value);
    },
    stringOption: (name: string, fallback: string) => valueOf(name) ?? fallback,
  };
}

export const log = (line: string) => process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
}

/** Herald's apps run as production does: the esbuild bundles under apps/<app>/dist, plain node. */
export function start(name: string, script: string, env: Record<string, string>, profileDir: string | null = null): Proc {
  const profile = profileDir && /^(api|worker)/.test(name) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // As `npm run start:worker` runs it: a small young generation, and an old generation that grows by 30 %
  // (not up to 4 ×) over what survived the last full collection, keep the worker's memory down.
  // BENCH_WORKER_FLAGS adds flags to try (e.g. V8 heap settings) without editing the bench.
  const extra = (process.env.BENCH_WORKER_FLAGS ?? '').split(' ').filter(Boolean);
  const nodeFlags = /^worker/.test(name) ? ['--max-semi-space-size=8', '--heap-growing-percent=30', ...extra] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...profile, ...loader, path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  return { name, child, output: () => output };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
}

/** Builds the api and worker bundles the bench runs. */
export async function buildBundles(): Promise<void> {
  log('building the api and worker bundles');
  for (const app of ['api', 'worker']) {
    const build = spawn(process.execPath, [path.join(ROOT, 'scripts', 'build-app.js'), app], { stdio: 'inherit' });
    if ((await new Promise((resolve) => build.once('exit', resolve))) !== 0) throw new Error(`building ${app} failed`);
  }
}

/** Migrates a fresh database with Herald's migrator. */
export async function migrate(databaseUrl: string): Promise<void> {
  const proc = start('migrate', 'packages/db/src/cli/migrate.ts', { DATABASE_URL: databaseUrl });
  await new Promise((resolve) => proc.child.once('exit', resolve));
  if (proc.child.exitCode !== 0) throw new Error(`migration failed: ${proc.output()}`);
}

/** Starts the bench receiver; resolves with it and its port. */
export async function startReceiver(env: Record<string, string> = {}): Promise<{ proc: Proc; port: number }> {
  const proc = start('receiver', 'bench/src/receiver.ts', env);
  await waitFor(() => /listening on (\d+)/.test(proc.output()), 20_000, 'receiver');
  return { proc, port: Number(/listening on (\d+)/.exec(proc.output())?.[1]) };
}

/** Starts the API bundle on a random port and waits for /healthz. */
export async function startApi(env: Record<string, string>, profileDir: string | null = null): Promise<{ proc: Proc; base: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const proc = start('api', 'apps/api/dist/main.js', { ...env, PORT: String(port) }, profileDir);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () =>
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
    'api',
  );
  return { proc, base };
}

/** One bench run's own database, Redis key prefix and admin token, with the clients that reach them. */
export interface BenchRun {
  runId: string;
  database: string;
  databaseUrl: string;
  redisUrl: string;
  /** Production refuses admin tokens under 32 characters. */
  adminToken: string;
  prefix: string;
  admin: pg.Client;
  redis: Redis;
  /** The processes the run starts, stopped by `cleanUpRun`. */
  procs: Proc[];
  dispatcher: Agent;
}

/** Starts a bench run: creates its database (BENCH_DATABASE_ADMIN_URL's server) and connects to REDIS_URL. */
export async function startRun(): Promise<BenchRun> {
  const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const runId = randomBytes(4).toString('hex');
  const database = `herald_bench_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  return {
    runId,
    database,
    databaseUrl: adminUrl.replace(/\/[^/]*$/, `/${database}`),
    redisUrl,
    adminToken: `bench-${randomBytes(24).toString('hex')}`,
    prefix: `{herald-bench-${runId}}`,
    admin,
    redis: new Redis(redisUrl),
    procs: [],
    dispatcher: new Agent({ connections: 16 }),
  };
}

/** The environment of the run's Herald processes: production mode, the local receiver allowed, no API rate limit. */
export function heraldEnv(run: BenchRun, options: { rateLimits: boolean; concurrency: number }): Record<string, string> {
  return {
    DATABASE_URL: run.databaseUrl,
    REDIS_URL: run.redisUrl,
    HERALD_QUEUE_PREFIX: run.prefix,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: run.adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_RATE_LIMITS: String(options.rateLimits),
    HERALD_WORKER_CONCURRENCY: String(options.concurrency),
    HERALD_API_RATE_LIMIT: '0',
    HERALD_ENV: 'production',
  };
}

/** Ends a bench run: its processes, its HTTP client, its Redis keys and (unless `keepDatabase`) its database. */
export async function cleanUpRun(run: BenchRun, keepDatabase: boolean): Promise<void> {
  await Promise.all(run.procs.map(stop));
  await run.dispatcher.close();
  const keys = await run.redis.keys(`${run.prefix}*`);
  for (let i = 0; i < keys.length; i += 1000) await run.redis.del(...keys.slice(i, i + 1000));
  run.redis.disconnect();
  if (keepDatabase) log(`kept database ${run.database}`);
  else await run.admin.query(`DROP DATABASE IF EXISTS ${run.database} WITH (FORCE)`).catch(() => undefined);
  await run.admin.end();
}
