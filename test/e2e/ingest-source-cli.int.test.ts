import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../support/processes';
import { startHarness, type Harness } from '../support/herald-harness';

const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(90_000);

let herald: Harness;

beforeAll(async () => {
  herald = await startHarness({ worker: false });
});

afterAll(async () => {
  await herald?.close();
});

/** `npm run source:create --silent -- <args>` as an operator runs it, with `port` as the configured PORT. */
function sourceCreate(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'source:create', '--silent', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, HERALD_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const odinAlert = { type: 'print_complete', title: 'Print Complete: Benchy (X1C)', message: 'done', printer_id: 3, printer_name: 'X1C' };

async function postTo(url: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(odinAlert) });
  return response.status;
}

test('source:create asks the running Herald and prints a working URL, alone on stdout', async () => {
  const port = new URL(herald.api.address).port;
  const created = await sourceCreate(['--kind', 'odin', '--name', 'O.D.I.N.'], {
    PORT: port,
    HERALD_ADMIN_TOKEN: herald.adminToken,
    DATABASE_URL: herald.database.url,
  });
  expect(created.stderr).toContain('Created odin ingest source "O.D.I.N."');
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/v1/ingest/hik_[A-Za-z0-9_-]{32}\\n$`));
  expect(created.stderr).not.toContain(created.stdout.trim());
  expect(await postTo(created.stdout.trim())).toBe(202);
});

test('with no Herald answering, source:create writes to the database; --base-url sets the printed origin', async () => {
  const created = await sourceCreate(
    ['--kind', 'apprise', '--name', 'Moonraker', '--printer', '3', '--base-url', 'https://herald.example'],
    {
      PORT: String(await freePort()),
      DATABASE_URL: herald.database.url,
    },
  );
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^https:\/\/herald\.example\/v1\/ingest\/hik_[A-Za-z0-9_-]{32}\n$/);
  const key = created.stdout.trim().split('/').pop();
  const sources = (await herald.request('GET', '/v1/ingest-sources')).body.data as {
    name: string;
    kind: string;
    default_printer_id: number;
  }[];
  expect(sources).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Moonraker', kind: 'apprise', default_printer_id: 3 })]));
  const apprise = await fetch(`${herald.api.address}/v1/ingest/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: '1.0', title: 'Print failed', message: 'Klipper', type: 'failure' }),
  });
  expect(apprise.status).toBe(202);
});

test('source:create refuses bad arguments without creating anything', async () => {
  const before = (await herald.request('GET', '/v1/ingest-sources')).body.data.length;
  const env = { PORT: String(await freePort()), DATABASE_URL: herald.database.url };
  for (const [args, message] of [
    [['--kind', 'slack'], /--kind/],
    [['--kind', 'odin', '--org', 'x'], /--org must be a positive integer/],
    [['--kind', 'odin', '--org', '424242'], /no organization 424242/],
  ] as const) {
    const result = await sourceCreate([...args], env);
    expect({ args, code: result.code }).toEqual({ args, code: 2 });
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  }
  expect((await herald.request('GET', '/v1/ingest-sources')).body.data.length).toBe(before);
});
