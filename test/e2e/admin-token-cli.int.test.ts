import { spawn } from 'node:child_process';
import path from 'node:path';
import { startHarness, type Harness } from '../support/herald-harness';
import { createOrg } from '../support/admin-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(90_000);

let herald: Harness;

beforeAll(async () => {
  herald = await startHarness({ worker: false });
});

afterAll(async () => {
  await herald?.close();
});

/** `npm run token:create --silent -- <args>` against the test's database, as an operator runs it. */
function tokenCreate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'token:create', '--silent', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: herald.database.url, HERALD_ENV: 'test', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('token:create prints a working secret once, alone on stdout', async () => {
  const org = await createOrg(herald, 'CLI Farm');
  const created = await tokenCreate(['--role', 'org_admin', '--org', String(org), '--name', 'farm admin']);
  expect(created.stderr).toContain(`Created org_admin token "farm admin" for organization ${org}`);
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^hrld_[A-Za-z0-9_-]{43}\n$/);
  const secret = created.stdout.trim();

  expect((await herald.request('GET', `/v1/orgs/${org}`, undefined, secret)).status).toBe(200);
  expect((await herald.request('GET', '/v1/webhooks', undefined, secret)).status).toBe(403);
  const listed = (await herald.request('GET', '/v1/tokens')).body.data.find((t: { name: string }) => t.name === 'farm admin');
  expect(listed).toEqual(expect.objectContaining({ role: 'org_admin', org_id: org, prefix: secret.slice(0, listed.prefix.length) }));
  expect(created.stderr).toContain(listed.id);
  expect(created.stderr).not.toContain(secret);

  const admin = await tokenCreate(['--role', 'admin']);
  expect(admin.code).toBe(0);
  expect((await herald.request('POST', '/v1/orgs', { name: 'made by CLI admin' }, admin.stdout.trim())).status).toBe(201);
});

test('token:create refuses bad arguments without creating anything', async () => {
  const before = (await herald.request('GET', '/v1/tokens')).body.data.length;
  for (const [args, message] of [
    [['--role', 'org_admin'], /--org: required/],
    [['--role', 'superuser'], /--role/],
    [['--role', 'ingestor', '--org', 'x'], /--org must be an organization id/],
    [['--role', 'ingestor', '--org', '424242'], /no organization 424242/],
  ] as const) {
    const result = await tokenCreate([...args]);
    expect({ args, code: result.code }).toEqual({ args, code: 2 });
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  }
  expect((await herald.request('GET', '/v1/tokens')).body.data.length).toBe(before);
});
