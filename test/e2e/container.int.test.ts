import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateFernetKey } from '@herald/crypto';
import { createEmptyTestDatabase } from '../support/database';
import { freePort, waitForOutput, type HeraldProcess } from '../support/processes';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * The production-dependencies stage's result: what `npm ci --omit=dev` installs from this lock file is exactly the
 * tree `npm ls --omit=dev --all` lists, so those packages are hard-linked out of the installed node_modules rather
 * than downloaded again (minutes on a busy CI machine). Workspace links are left out, as the Dockerfile removes them.
 */
function copyProductionDependencies(to: string): void {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const packages = listed.stdout
    .split('\n')
    .map((line) => path.relative(ROOT, line.trim()))
    .filter((rel) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(rel) && !rel.startsWith('node_modules/@herald/'));
  expect(packages.length).toBeGreaterThan(50);
  for (const rel of packages) {
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    run('cp', ['-al', path.join(ROOT, rel), path.join(to, rel)], ROOT);
  }
}

/** A process started from the runtime file set, as the image's CMD starts it. */
function startFromImage(dir: string, args: string[], env: Record<string, string>): HeraldProcess {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    // Only what the container's environment would hold: no NODE_PATH, nothing from the repository.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

let imageDir: string;
let receiver: WebhookReceiver;
let database: Awaited<ReturnType<typeof createEmptyTestDatabase>>;
const processes: HeraldProcess[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  database = await createEmptyTestDatabase();
  // Build stage: the bundles (CI has built them already; turbo then answers from its cache).
  run('npm', ['run', 'build', '--silent'], ROOT);
  // Production-dependencies stage, then the runtime stage's COPY lines.
  imageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-image-'));
  copyProductionDependencies(imageDir);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(imageDir, 'package.json'));
  fs.cpSync(path.join(ROOT, 'prisma', 'migrations'), path.join(imageDir, 'prisma', 'migrations'), { recursive: true });
  for (const app of ['api', 'worker', 'digest', 'console']) {
    fs.cpSync(path.join(ROOT, 'apps', app, 'dist'), path.join(imageDir, 'apps', app, 'dist'), { recursive: true });
  }
});

afterAll(async () => {
  for (const proc of processes) if (proc.child.exitCode === null) proc.kill('SIGKILL');
  await Promise.all(processes.map((proc) => proc.exited));
  await receiver?.close();
  await database?.drop();
  if (imageDir) fs.rmSync(imageDir, { recursive: true, force: true });
});

test('the runtime file set holds bundles and production dependencies only', () => {
  expect(fs.readdirSync(imageDir).sort()).toEqual(['apps', 'node_modules', 'package.json', 'prisma']);
  for (const devOnly of ['jest', 'eslint', 'prettier', 'turbo', '@swc/core']) {
    expect(fs.existsSync(path.join(imageDir, 'node_modules', devOnly))).toBe(false);
  }
  expect(fs.existsSync(path.join(imageDir, 'node_modules', 'bullmq'))).toBe(true);
  expect(fs.existsSync(path.join(imageDir, 'apps', 'api', 'src'))).toBe(false);
});

test('migrate, then api, worker and digest start from it with plain node; /readyz answers and an alert is delivered', async () => {
  const port = await freePort();
  const adminToken = `image-${randomBytes(16).toString('hex')}`;
  const env = {
    HERALD_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    HERALD_QUEUE_PREFIX: `{herald-image-${randomBytes(6).toString('hex')}}`,
    HERALD_FERNET_KEYS: generateFernetKey(),
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_METRICS_TOKEN: `metrics-${randomBytes(16).toString('hex')}`,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
  const migrate = startFromImage(imageDir, ['apps/api/dist/migrate.js'], env);
  processes.push(migrate);
  expect(await migrate.exited).toBe(0);
  expect(migrate.output()).toMatch(/applied \d+ migrations/);

  const api = startFromImage(imageDir, ['apps/api/dist/main.js'], env);
  const worker = startFromImage(imageDir, ['--max-semi-space-size=8', 'apps/worker/dist/main.js'], env);
  const digest = startFromImage(imageDir, ['apps/digest/dist/main.js'], env);
  processes.push(api, worker, digest);
  await Promise.all([
    waitForOutput(api, /Herald API listening/, 60_000),
    waitForOutput(worker, /delivery worker started/, 60_000),
    waitForOutput(digest, /digest cron started/, 60_000),
  ]);

  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(ready.status).toBe(200);
  // The operator console ships in the image: the built page, not the "run npm run build" one.
  const consolePage = await fetch(`http://127.0.0.1:${port}/`);
  expect(consolePage.status).toBe(200);
  expect(await consolePage.text()).toMatch(/<title>Herald console<\/title>[\s\S]*\/assets\//);
  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const webhook = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'image', url: receiver.url('/image'), type: 'generic' }),
  });
  expect(webhook.status).toBe(201);
  const alert = await fetch(`http://127.0.0.1:${port}/v1/alerts`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ type: 'print_complete', title: 'from the image', message: 'm', printer_id: 1 }),
  });
  expect(alert.status).toBe(202);
  await receiver.waitFor(() => receiver.requestsFor('/image').length === 1, 30_000);

  for (const proc of [api, worker, digest]) proc.kill('SIGTERM');
  expect(await Promise.all([api.exited, worker.exited, digest.exited])).toEqual([0, 0, 0]);
});
