import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { pruneDeliveryAttempts, startAttemptRetention } from '@herald/delivery';
import { uuidv7 } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-30T12:00:00Z');
const logger = pino({ level: 'silent' });
let database: TestDatabase;
let redis: Redis;
const prefix = `{retention-test-${randomBytes(4).toString('hex')}}`;

/** One delivery with an attempt per age (days before NOW); returns the delivery id. */
async function deliveryWithAttempts(ageDays: number[]): Promise<string> {
  const prisma = database.prisma;
  const webhook = await prisma.webhook.create({ data: { name: 'w', urlEncrypted: 'x', urlMasked: 'https://x/…', type: 'generic' } });
  const delivery = await prisma.delivery.create({
    data: { id: uuidv7(NOW), kind: 'notice', webhookId: webhook.id, payload: {}, status: 'dead' },
  });
  await prisma.deliveryAttempt.createMany({
    data: ageDays.map((age, index) => ({
      deliveryId: delivery.id,
      attemptNumber: index + 1,
      startedAt: new Date(NOW - age * DAY),
      durationMs: 3,
      statusCode: 500,
      outcome: 'retry',
    })),
  });
  return delivery.id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database.drop();
});

test('attempts older than the retention age are deleted in batches; newer ones and the deliveries stay', async () => {
  const old = Array.from({ length: 23 }, (_, i) => 31 + i);
  const recent = [0, 1, 29.9];
  const deliveryId = await deliveryWithAttempts([...old, ...recent]);

  const result = await pruneDeliveryAttempts({ sql: database.sql, nowMs: NOW, retentionDays: 30, batchSize: 5 });
  expect(result).toEqual({ deleted: 23, batches: 5 });
  const left = await database.prisma.deliveryAttempt.findMany({ where: { deliveryId }, orderBy: { startedAt: 'asc' } });
  expect(left.map((a) => Math.round(((NOW - a.startedAt.getTime()) / DAY) * 10) / 10)).toEqual([29.9, 1, 0]);
  expect(await database.prisma.delivery.count({ where: { id: deliveryId } })).toBe(1);

  // The same rows a week later (an injected clock): the 29.9-day-old one is now due.
  expect(await pruneDeliveryAttempts({ sql: database.sql, nowMs: NOW + 7 * DAY, retentionDays: 30 })).toEqual({
    deleted: 1,
    batches: 1,
  });
});

test('with several workers the deployment prunes once per interval', async () => {
  await deliveryWithAttempts([40, 41, 42]);
  const clock = { now: NOW };
  const workers = [1, 2, 3].map(() =>
    startAttemptRetention({
      sql: database.sql,
      redis,
      prefix,
      logger,
      now: () => clock.now,
      retentionDays: 30,
      intervalMs: 60_000,
      initialDelayMs: 3_600_000,
    }),
  );
  try {
    const results = await Promise.all(workers.map((w) => w.runOnce()));
    expect(results.filter((r) => r !== null)).toEqual([{ deleted: 3, batches: 1 }]);
    // Within the interval nobody runs again, even with more to prune.
    await deliveryWithAttempts([45]);
    expect(await Promise.all(workers.map((w) => w.runOnce()))).toEqual([null, null, null]);
    await redis.del(`${prefix}:lock:attempt-retention`);
    expect((await Promise.all(workers.map((w) => w.runOnce()))).filter((r) => r !== null)).toEqual([{ deleted: 1, batches: 1 }]);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
});
