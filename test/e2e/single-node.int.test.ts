import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/processes';

const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(240_000);

function startSingleNode(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps', 'api', 'src', 'single-node.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOG_FORMAT: 'json', LOG_LEVEL: 'info', HERALD_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

test('npm start: PGlite, its own redis-server, health and readiness, an admin token file, a clean stop', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-single-'));
  const [port, redisPort] = [await freePort(), await freePort()];
  // Nothing listens on redisPort: single-node start launches a redis-server of its own there.
  const node = startSingleNode({ HERALD_DATA_DIR: dataDir, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
  try {
    const deadline = Date.now() + 150_000;
    while (!/Herald API listening/.test(node.stdout())) {
      if (Date.now() > deadline || node.child.exitCode !== null) throw new Error(`did not start:\n${node.stdout()}\n${node.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const first = JSON.parse(node.stdout().split('\n')[0] as string) as { msg: string };
    expect(first.msg).toMatch(/embedded PGlite/);
    expect(node.stdout()).toMatch(/started a local redis-server/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', redis: 'up', database: { status: 'up', kind: 'pglite' }, keys: 'ok' });

    const tokenFile = path.join(dataDir, 'admin-token');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(node.stdout()).toContain(tokenFile);
    expect(node.stdout()).not.toContain(token);
    expect(fs.statSync(tokenFile).mode & 0o077).toBe(0);
    const orgs = await fetch(`http://127.0.0.1:${port}/v1/orgs`, { headers: { authorization: `Bearer ${token}` } });
    expect(orgs.status).toBe(200);

    // A second process on the same embedded database would write beside the running one: the CLI refuses in one line.
    const cli = spawnSync('npm', ['run', 'token:create', '--silent', '--', '--role', 'ingestor'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', HERALD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status).not.toBe(0);
    expect(cli.stdout).toBe('');
    expect(cli.stderr.trim().split('\n')).toEqual([
      `token:create failed: the embedded database in ${path.join(dataDir, 'pglite')} is in use by Herald (pid ${node.child.pid}); ` +
        'stop it first, or while it runs use its API instead (e.g. POST /v1/tokens with the admin token)',
    ]);
    expect(cli.stderr).not.toMatch(/Created/);
  } finally {
    node.child.kill('SIGTERM');
  }
  expect(await node.exited).toBe(0);
  // Its redis-server stopped with it.
  const probe = await fetch(`http://127.0.0.1:${redisPort}`).then(
    () => 'answered',
    () => 'closed',
  );
  expect(probe).toBe('closed');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a bad environment value stops start-up with one line naming the variable', async () => {
  const node = startSingleNode({ REDIS_URL: 'nonsense' });
  expect(await node.exited).toBe(1);
  const lines = node.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^herald: REDIS_URL: /);
  const badKey = startSingleNode({ HERALD_FERNET_KEYS: 'dG9vLXNob3J0' });
  expect(await badKey.exited).toBe(1);
  expect(badKey.stderr().trim()).toMatch(/^herald: HERALD_FERNET_KEYS: key #1 must be 32 bytes/);
  expect(badKey.stderr()).not.toContain('dG9vLXNob3J0');
  const badTarget = startSingleNode({ HERALD_ALLOWED_PRIVATE_TARGETS: '10.0.0.0/8,10.0.0.0/33' });
  expect(await badTarget.exited).toBe(1);
  expect(badTarget.stderr().trim()).toBe(
    "herald: HERALD_ALLOWED_PRIVATE_TARGETS: '10.0.0.0/33' is neither a CIDR, an IP address nor a host name",
  );
});
