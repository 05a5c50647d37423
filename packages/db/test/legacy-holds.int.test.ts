import { adoptLegacyHolds } from '../src';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

// During a rolling upgrade an API or worker of the earlier release still holds alerts the old way
// (status suppressed, quiet_scope set, no hold row). The digest tick adopts them, so their digest takes them.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 1 });
});
afterAll(async () => {
  await database?.drop();
});

const alertData = (title: string) => ({
  type: 'print_failed' as const,
  severity: 'critical' as const,
  title,
  message: 'Nozzle clog',
  printerId: 7,
  printerName: 'MK4',
  occurredAt: new Date('2026-12-01T23:00:00Z'),
  source: 'legacy-test',
});

test('an alert held by the earlier release gets a hold from every webhook; new holds and digested alerts are left alone', async () => {
  const { prisma } = database;
  const legacy = await prisma.alert.create({ data: { ...alertData('held by an old API'), status: 'suppressed', quietScope: 'system' } });
  const current = await prisma.alert.create({ data: { ...alertData('held by this release'), status: 'suppressed', quietScope: 'system' } });
  await prisma.alertHold.create({ data: { alertId: current.id, scope: 'system', audience: 'system', occurredAt: current.occurredAt } });
  const digest = await prisma.digest.create({
    data: {
      scope: 'system',
      claimedBy: 'old-digest',
      scopeKey: 'system',
      windowStart: new Date('2026-12-01T22:00:00Z'),
      windowEnd: new Date('2026-12-02T07:00:00Z'),
      timezone: 'UTC',
    },
  });
  const digested = await prisma.alert.create({
    data: { ...alertData('digested by an old digest'), status: 'suppressed', quietScope: 'system', digestId: digest.id },
  });

  expect(await adoptLegacyHolds(database.sql)).toBe(1);
  expect(await adoptLegacyHolds(database.sql)).toBe(0);

  const holds = await prisma.alertHold.findMany({ orderBy: { createdAt: 'asc' } });
  expect(holds.map((hold) => ({ alertId: hold.alertId, scope: hold.scope, audience: hold.audience, digestId: hold.digestId }))).toEqual(
    expect.arrayContaining([
      { alertId: legacy.id, scope: 'system', audience: 'all', digestId: null },
      { alertId: current.id, scope: 'system', audience: 'system', digestId: null },
    ]),
  );
  expect(holds.some((hold) => hold.alertId === digested.id)).toBe(false);
});
