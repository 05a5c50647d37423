import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

jest.setTimeout(180_000);

/**
 * Each store module's operations, run by fixtures/store-scenarios.ts against PostgreSQL and against
 * embedded PGlite (in a tsx process: PGlite cannot start inside jest's module sandbox). Both
 * backends must observe the same, expected, results.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = path.join(__dirname, 'fixtures', 'store-scenarios.ts');

type Observed = Record<string, unknown>;

async function runScenarios(args: string[]): Promise<Observed> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const { stdout } = await promisify(execFile)(TSX, [SCRIPT, ...args], { cwd: ROOT, env, timeout: 170_000 });
  return JSON.parse(stdout) as Observed;
}

let database: TestDatabase;
let dataDir: string;
const observed: Record<'postgres' | 'pglite', Promise<Observed>> = {} as never;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 1 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-store-'));
  observed.postgres = runScenarios(['--url', database.url]);
  observed.pglite = runScenarios(['--pglite', dataDir]);
  // Both settle before any test reads them, so a failure is reported once per backend, not as an unhandled rejection.
  await Promise.allSettled([observed.postgres, observed.pglite]);
});

afterAll(async () => {
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const BACKENDS = ['postgres', 'pglite'] as const;

describe.each(BACKENDS)('on %s', (backend) => {
  const module = async (name: string) => ((await observed[backend]) as Record<string, unknown>)[name];

  test('organizations.ts: printers with their organization, organizations by id', async () => {
    expect(await module('organizations')).toEqual({
      api: { listed: [{ name: 'Farm Z', enterprise: true }], printers: ['P12 renamed'], printer: 'P12 renamed', allPrinters: 3 },
      printers: [
        { id: 10, orgId: 'org', name: 'P10' },
        { id: 11, orgId: null, name: 'P11' },
      ],
      found: 'Farm A',
      missing: null,
    });
  });

  test('webhooks.ts: the routing snapshot, failure streaks, disabling once, notice receivers, URL tokens for the keys check', async () => {
    expect(await module('webhooks')).toEqual({
      api: { orgWebhooks: ['org', 'setting renamed'], setting: 'setting renamed', found: 'setting renamed', deleted: null },
      snapshotWebhooks: [
        { name: 'org', type: 'generic', alertTypes: ['print_failed'], org: true },
        { name: 'system', type: 'generic', alertTypes: [], org: false },
        { name: 'system 2', type: 'slack', alertTypes: [], org: false },
      ],
      snapshotHasOffWebhook: false,
      enterprise: true,
      quietHours: [
        {
          enabled: true,
          start: '22:00',
          end: '07:00',
          timezone: 'UTC',
          digest: true,
          bypassSeverities: ['critical'],
          digestWhenEmpty: false,
        },
      ],
      printer: 'P20',
      failures: [
        { consecutiveFailures: 1, firstFailureAtMs: 0, disabled: false },
        { consecutiveFailures: 2, firstFailureAtMs: 0, disabled: false },
      ],
      disabledFirst: { name: 'system 2', type: 'slack', orgId: null },
      disabledAgain: null,
      receivers: ['generic'],
      undecryptableLeft: false,
      urlTokens: { names: ['off', 'org', 'system', 'system 2'], inIdOrder: true },
      urlTokensExceptUndecryptable: { names: ['off', 'system', 'system 2'], inIdOrder: true },
    });
  });

  test('alerts.ts: inserts with dedupe keys, routable loads, sweeper reads, settling, held alerts into a digest', async () => {
    expect(await module('alerts')).toEqual({
      api: {
        reopened: 'dispatched',
        withDeliveries: [{ status: 'delivered', webhook: 'a' }],
        listed: [true],
        page: 2,
        olderThanNewest: 2,
      },
      dedupe: { k1: true, k2: false },
      routable: [
        { first: true, status: 'queued', printerId: 30, occurredAt: 0 },
        { first: false, status: 'queued', printerId: 30, occurredAt: 0 },
      ],
      queued: 2,
      queuedNotYet: 0,
      unsettled: [true],
      settled: { first: 'delivered', second: 'queued' },
      allCancelled: {
        cancelledOnly: { status: 'no_targets', reason: 'every delivery cancelled' },
        partlyHeld: { status: 'suppressed', reason: 'quiet hours (org 5, 22:00–07:00 UTC)' },
      },
      retried: {
        cancelledOnly: { status: 'dispatched', reason: null },
        partlyHeld: { status: 'dispatched', reason: 'quiet hours (org 5, 22:00–07:00 UTC)' },
      },
      heldScopes: [
        { quietScope: 'org:5', earliestMs: 0 },
        { quietScope: 'system', earliestMs: 0 },
      ],
      digestAlerts: [{ held: true, audience: 'system' }],
      heldAfter: ['org:5'],
      alertDigest: true,
    });
  });

  test('deliveries.ts: routed alerts (new and saved), attempts, dead, cancelled, notices', async () => {
    expect(await module('deliveries')).toEqual({
      api: {
        reopened: [true],
        systemHookHiddenFromOrg: null,
        visibleToOrg: 1,
        hiddenFromOther: null,
        listed: ['cancelled', 'pending'],
        since: 1,
      },
      lateAttempt: { status: 'cancelled', lastError: 'webhook disabled: gone', attemptCount: 1, nextAttemptAt: null, attempts: ['retry'] },
      refused: { consistent: false, deliveries: 0 },
      routed: { consistent: true, deliveries: ['partly', 'sent'] },
      newAlerts: {
        sent: { status: 'dispatched', reason: null, scope: null, dispatched: true, printerName: 'P40' },
        held: {
          status: 'suppressed',
          reason: 'quiet_hours:system; quiet_hours:org',
          scope: 'system',
          dispatched: false,
          printerName: 'P40',
        },
        partly: { status: 'dispatched', reason: 'quiet_hours:org', scope: 'org', dispatched: true, printerName: 'P40' },
      },
      newHolds: {
        sent: [],
        held: [
          { scope: 'org', audience: 'organization', occurredAt: 0, digest: null },
          { scope: 'system', audience: 'system', occurredAt: 0, digest: null },
        ],
        partly: [{ scope: 'org', audience: 'organization', occurredAt: 0, digest: null }],
      },
      routablePartly: [{ status: 'dispatched', heldAudiences: ['organization'] }],
      // Routed twice, held once.
      queuedHolds: [{ scope: 'org', audience: 'organization', occurredAt: 0, digest: null }],
      heldSeen: { operator: { system: 1, org: 3 }, org: { system: 0, org: 3 } },
      fannedOut: [true, true],
      fannedAgain: [true, true],
      paged: { everyDelivery: [true, true], inWebhookOrder: true, afterLast: 0 },
      queuedAfter: { status: 'dispatched', dispatchedAt: 60_000 },
      loaded: { kind: 'alert', status: 'pending', attempts: 0, alertTitle: expect.stringMatching(/^alert /) },
      afterAttempts: { status: 'delivered', attemptCount: 2, lastStatusCode: 204, latencyMs: 60_000, streak: 0 },
      sentStatus: 'delivered',
      attemptsRecorded: true,
      staleOpen: 2,
      pruned: 1,
      endedDead: [true, false],
      cancelled: 1,
      queuedSettled: 'failed',
      notices: [{ status: 'pending', payload: { text: 'notice' } }],
    });
  });

  test('digests.ts: one claim per window, takeover of stale claims, digest deliveries, dispatch', async () => {
    expect(await module('digests')).toEqual({
      claimedBefore: false,
      claim: { scopeKey: 'system', orgId: null, start: -600_000, end: 0, tz: 'Europe/Berlin' },
      again: null,
      claimedAfter: true,
      open: ['system'],
      notStale: 0,
      stale: [true],
      pending: [true],
      openAfter: [],
      byScope: [{ scope: 'system', count: 1 }],
      timezone: ['Europe/Berlin', null],
    });
  });

  test('settings.ts and tokens.ts: quiet-hours settings, tokens by hash only', async () => {
    expect(await module('settings')).toEqual([
      { enabled: true, start: '23:00', end: '06:00', timezone: 'Europe/Berlin', digest: true },
      { enabled: false, start: '21:00', end: '05:00', timezone: 'UTC', digest: true },
    ]);
    expect(await module('tokens')).toEqual({
      name: 'ops',
      role: 'admin',
      prefix: 'hrld_abc',
      orgId: null,
      lastUsed: 0,
      revoked: 60_000,
      listed: [true],
    });
  });
});
