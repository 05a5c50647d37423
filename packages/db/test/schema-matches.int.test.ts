import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { Prisma } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Prisma's schema engine (Wasm) loads as an ES module, which jest's module system cannot, so the
 * engine runs in the real CLIs, as a developer would run them.
 */
async function runCli(script: string, args: string[], databaseUrl: string): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [path.join(ROOT, 'packages/db/src/cli', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('the migrated database', () => {
  test("matches schema.prisma exactly, by Prisma's own schema diff", async () => {
    const run = await runCli('migration-diff.ts', ['--from-database', '--exit-code'], database.url);

    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('-- This is an empty migration.');
    expect(run.code).toBe(0);
  }, 60_000);

  test("has a history Prisma's migration engine reads as up to date (what `prisma migrate deploy` would see)", async () => {
    const run = await runCli('migration-status.ts', [], database.url);

    expect(JSON.parse(run.stdout)).toEqual({ upToDate: true, unapplied: [], edited: [], failed: [], unknown: [] });
    expect(run.code).toBe(0);
  }, 60_000);

  test('has the partial index on waiting holds that schema.prisma cannot express, and the digest lookup uses it', async () => {
    const [index] = await database.sql.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'alert_holds' AND indexname = 'alert_holds_waiting_idx'`,
    );
    expect(index?.indexdef).toBe(
      `CREATE INDEX alert_holds_waiting_idx ON public.alert_holds USING btree (scope, occurred_at) WHERE (digest_id IS NULL)`,
    );
    const plan = await database.sql.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT scope, min(occurred_at) FROM alert_holds WHERE digest_id IS NULL AND occurred_at < now() GROUP BY scope`,
    );
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/alert_holds_waiting_idx/);
    // The old index on alerts stays for alerts held by a process of the earlier release (adoptLegacyHolds).
    expect(await database.sql.query(`SELECT 1 AS present FROM pg_indexes WHERE indexname = 'alerts_held_idx'`)).toEqual([{ present: 1 }]);
  });

  test('stores and returns every model through Prisma Client', async () => {
    const prisma = database.prisma;
    const org = await prisma.organization.create({ data: { name: 'Farm A', enterprise: true } });
    const printer = await prisma.printer.create({ data: { id: 4242, name: 'Prusa XL', orgId: org.id } });
    const webhook = await prisma.webhook.create({
      data: {
        name: 'ops',
        urlEncrypted: 'gAAAA-token',
        urlMasked: 'https://hooks.example/…abcd',
        type: 'discord',
        orgId: org.id,
        alertTypes: ['print_failed', 'spool_low'],
        retrySchedule: [5, 30],
        rateLimit: { limit: 5, intervalMs: 2000, burst: 2 },
      },
    });
    const digest = await prisma.digest.create({
      data: {
        scope: 'organization',
        scopeKey: `org:${org.id}`,
        orgId: org.id,
        windowStart: new Date('2026-01-01T22:00:00Z'),
        windowEnd: new Date('2026-01-02T07:00:00Z'),
        timezone: 'Europe/Berlin',
        claimedBy: 'worker-1',
      },
    });
    const occurredAt = new Date('2026-01-01T23:15:00.123Z');
    const alert = await prisma.alert.create({
      data: {
        type: 'print_failed',
        severity: 'critical',
        title: 'Print failed',
        message: 'Nozzle clog',
        printerId: printer.id,
        printerName: printer.name,
        orgId: org.id,
        occurredAt,
        data: { layer: 112, reasons: ['clog'] },
        source: 'token-1',
        dedupeKey: 'job-9',
        status: 'suppressed',
        quietScope: `org:${org.id}`,
        digestId: digest.id,
      },
    });
    await prisma.alertHold.create({
      data: { alertId: alert.id, scope: `org:${org.id}`, audience: 'organization', occurredAt, digestId: digest.id },
    });
    const delivery = await prisma.delivery.create({
      data: { alertId: alert.id, webhookId: webhook.id, status: 'retrying', attemptCount: 1 },
    });
    await prisma.delivery.create({ data: { kind: 'digest', digestId: digest.id, webhookId: webhook.id, payload: { text: '1 alert' } } });
    const attempt = await prisma.deliveryAttempt.create({
      data: { deliveryId: delivery.id, attemptNumber: 1, startedAt: new Date(), durationMs: 120, statusCode: 503, outcome: 'retry' },
    });
    await prisma.quietHoursSetting.create({
      data: { scope: `org:${org.id}`, orgId: org.id, enabled: true, bypassSeverities: ['critical'] },
    });
    await prisma.systemSetting.create({ data: { key: 'webhook_url', value: { id: webhook.id } } });
    await prisma.apiToken.create({ data: { name: 'ingest', role: 'ingestor', orgId: org.id, hash: 'h'.repeat(64), prefix: 'hrld_ab' } });

    const stored = await prisma.organization.findUniqueOrThrow({
      where: { id: org.id },
      include: {
        printers: true,
        webhooks: { include: { deliveries: { include: { attempts: true } } } },
        alerts: true,
        quietHours: true,
        digests: true,
        tokens: true,
      },
    });
    expect(stored.printers.map((p) => p.id)).toEqual([4242]);
    expect(stored.webhooks[0]).toMatchObject({
      enabled: true,
      isOrgSetting: false,
      consecutiveFailures: 0,
      alertTypes: ['print_failed', 'spool_low'],
      retrySchedule: [5, 30],
      rateLimit: { limit: 5, intervalMs: 2000, burst: 2 },
    });
    expect(stored.webhooks[0]?.deliveries).toHaveLength(2);
    const alertDelivery = stored.webhooks[0]?.deliveries.find((d) => d.kind === 'alert');
    expect(alertDelivery?.attempts.map((a) => [a.id, a.outcome, a.statusCode])).toEqual([[attempt.id, 'retry', 503]]);
    expect(typeof attempt.id).toBe('bigint');
    expect(stored.alerts[0]).toMatchObject({
      occurredAt,
      data: { layer: 112, reasons: ['clog'] },
      status: 'suppressed',
      digestId: digest.id,
    });
    expect(stored.alerts[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(stored.quietHours).toMatchObject({
      start: '22:00',
      end: '07:00',
      timezone: 'UTC',
      digest: true,
      bypassSeverities: ['critical'],
    });
    expect(stored.digests[0]).toMatchObject({ status: 'claimed', alertCount: 0 });
    expect(await prisma.alertHold.findMany({ where: { alertId: alert.id } })).toMatchObject([
      { scope: `org:${org.id}`, audience: 'organization', occurredAt, digestId: digest.id },
    ]);
    expect(stored.tokens[0]).toMatchObject({ role: 'ingestor', revokedAt: null });
    expect(await prisma.systemSetting.findUnique({ where: { key: 'webhook_url' } })).toMatchObject({ value: { id: webhook.id } });

    // Constraints from the schema are enforced by the database.
    await expect(
      prisma.alert.create({ data: { ...alert, id: undefined, data: Prisma.JsonNull, receivedAt: undefined } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    await prisma.organization.delete({ where: { id: org.id } });
    expect(await prisma.webhook.count()).toBe(0); // cascade
    expect(await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ orgId: null }); // set null
    // Its digests went with it: the hold stays, in no digest.
    expect(await prisma.alertHold.findMany({ where: { alertId: alert.id } })).toMatchObject([{ digestId: null }]);
    // Deliveries outlive their webhook as history (webhook_id set null, the name kept).
    const kept = await prisma.delivery.findMany();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((delivery) => delivery.webhookId === null)).toBe(true);
  });

  test('a database that drifted from the schema is reported, with the SQL that repairs it', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('DROP INDEX "alerts_occurred_at_idx"');
    } finally {
      await client.end();
    }

    const run = await runCli('migration-diff.ts', ['--from-database', '--exit-code'], database.url);

    expect(run.stdout).toContain('CREATE INDEX "alerts_occurred_at_idx" ON "alerts"("occurred_at");');
    expect(run.code).toBe(2);
  }, 60_000);
});
