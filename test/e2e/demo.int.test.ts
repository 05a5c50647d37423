import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(180_000);

// `npm run demo` is the newcomer's first contact: single-node Herald on embedded PGlite, a local
// inspector, all 14 types to every webhook type. It must exit 0 with every delivery in.
const demoKeys = async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    return (await redis.keys('{herald-demo-*')).length;
  } finally {
    redis.disconnect();
  }
};

test('npm run demo delivers all 14 alert types to all eight webhook types, then an O.D.I.N. payload through an ingest URL, exits 0 and leaves no keys in Redis', async () => {
  const keysBefore = await demoKeys();
  const env = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps', 'demo', 'src', 'main.ts')], {
    cwd: ROOT,
    env,
    maxBuffer: 10 * 1024 * 1024,
  });
  expect(stdout).toMatch(/embedded PGlite/);
  expect(stdout).toMatch(/All 112 deliveries arrived\./);
  for (const service of ['[telegram]', '[ntfy]', '[teams]', '[pushover]', '[whatsapp]']) expect(stdout).toContain(service);
  const summary = stdout.slice(stdout.indexOf('alert type'));
  for (const type of ['print_complete', 'spaghetti_detected', 'queue_failed_start']) {
    expect(summary).toMatch(new RegExp(`${type}(\\s+\\d+ ms){8}`));
  }
  expect(stdout).not.toMatch(/MISSING/);
  // The O.D.I.N. step: its exact generic payload, posted to an ingest URL without a header, fans out.
  expect(stdout).toMatch(
    /O\.D\.I\.N\.'s alert reached all 8 webhooks \(discord, slack, generic, telegram, ntfy, teams, pushover, whatsapp\) within \d+ ms\./,
  );
  expect(stdout).not.toMatch(/\/v1\/ingest\/hik_/);
  expect(await demoKeys()).toBe(keysBefore);
});
