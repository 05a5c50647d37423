import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, MIGRATIONS_DIR } from '@herald/db';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Runs a script with tsx and without DATABASE_URL (PGlite cannot start inside jest's module sandbox). */
async function tsx(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(TSX, [script, ...args], { cwd: ROOT, env: { ...inherited, ...env }, timeout: 60_000 });
  return stdout;
}

let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-pglite-'));
});

afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('`npm run db:migrate` without DATABASE_URL migrates the PGlite database in <dataDir>/pglite, then finds it up to date', async () => {
  const cli = path.join(ROOT, 'packages/db/src/cli/migrate.ts');

  const first = await tsx(cli, [], { HERALD_DATA_DIR: dataDir });
  const second = await tsx(cli, [], { HERALD_DATA_DIR: dataDir });

  expect(first.trim().split('\n').at(-1)).toMatch(
    new RegExp(`PGlite in ${dataDir}/pglite\\): applied ${migrationNames.length} migrations? `),
  );
  expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
  expect(second.trim()).toMatch(/: database is up to date: no pending migrations/);
}, 60_000);

test('createDatabase without a URL gives single-node a PGlite that round-trips through Prisma and keeps its data', async () => {
  const script = path.join(__dirname, 'fixtures', 'pglite-round-trip.ts');

  const written = JSON.parse(await tsx(script, [dataDir, 'write']));
  const read = JSON.parse(await tsx(script, [dataDir, 'read']));

  expect(written.kind).toBe('pglite');
  expect(written.migration.applied).toEqual(migrationNames);
  expect(read.migration.applied).toEqual([]);
  expect(read.organizations).toEqual(['Farm B']); // the rolled-back transaction left nothing
  expect(read.alerts).toHaveLength(1);
  const [alert] = read.alerts;
  expect(alert).toMatchObject({
    id: written.ids.alert,
    type: 'spool_low',
    severity: 'warning',
    occurredAt: '2026-03-04T05:06:07.089Z',
    data: { percent: 5 },
    status: 'queued',
    orgId: written.ids.org,
  });
  expect(alert.org.webhooks).toEqual([
    expect.objectContaining({ id: written.ids.webhook, type: 'slack', enabled: true, alertTypes: [], retrySchedule: [] }),
  ]);
  expect(alert.deliveries).toEqual([expect.objectContaining({ webhookId: written.ids.webhook, status: 'pending', kind: 'alert' })]);
}, 60_000);

test.each([
  ['worker', /^the worker needs DATABASE_URL: PGlite is single-process/],
  ['api', /^the API needs DATABASE_URL: PGlite is single-process/],
  ['digest', /^the digest scheduler needs DATABASE_URL: PGlite is single-process/],
] as const)('the %s role without DATABASE_URL is refused with the reason, touching nothing', async (role, message) => {
  await expect(createDatabase({ dataDir, role })).rejects.toThrow(message);
  expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
});
