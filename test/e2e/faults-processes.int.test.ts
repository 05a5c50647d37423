import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { eventually } from '../support/admin-fixtures';
import { startPrivateRedis, waitForOutput, type HeraldProcess, type PrivateRedis } from '../support/processes';
import { countDeliveries, reportFault, spawnHerald, stopProcess } from '../../packages/delivery/test/support/fault-kit';

// Faults against real worker processes (each a separate `node` process, so SIGKILL kills it).
jest.setTimeout(120_000);

function alerts(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ type: 'print_complete', title: `Alert ${from + i}`, message: 'm', printer_id: 1 }));
}

function workerEnv(herald: Harness, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: herald.config.databaseUrl as string,
    REDIS_URL: herald.config.redisUrl,
    HERALD_QUEUE_PREFIX: herald.config.queuePrefix,
    HERALD_FERNET_KEYS: herald.config.fernetKeys.join(','),
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_JOB_LOCK_MS: '2000',
    HERALD_WORKER_CONCURRENCY: '20',
    HERALD_SWEEP_INTERVAL_MS: '500',
    HERALD_SWEEP_STALE_MS: '1000',
    ...extra,
  };
}

async function startWorker(herald: Harness, extra?: Record<string, string>): Promise<HeraldProcess> {
  const worker = spawnHerald('worker', workerEnv(herald, extra));
  await waitForOutput(worker, /delivery worker started/, 30_000);
  return worker;
}

async function genericWebhook(herald: Harness, receiver: WebhookReceiver, path: string): Promise<void> {
  const response = await herald.request('POST', '/v1/webhooks', { name: path, url: receiver.url(path), type: 'generic' });
  expect(response.status).toBe(201);
}

function deliveryIds(receiver: WebhookReceiver, path: string): string[] {
  return receiver.requestsFor(path).map((r) => String(r.headers['webhook-id']));
}

/** Every repeat of a delivery id carried the same alert: a receiver can drop repeats by webhook-id. */
function expectRepeatsToMatch(receiver: WebhookReceiver, path: string): void {
  const titles = new Map<string, Set<string>>();
  for (const r of receiver.requestsFor(path)) {
    const id = String(r.headers['webhook-id']);
    titles.set(id, (titles.get(id) ?? new Set()).add((r.json as { title: string }).title));
  }
  for (const set of titles.values()) expect(set.size).toBe(1);
}

async function everyAlertDelivered(herald: Harness, count: number): Promise<void> {
  await eventually(
    `${count} alerts to be delivered`,
    async () => ((await herald.database.prisma.alert.count({ where: { status: 'delivered' } })) === count ? true : undefined),
    30_000,
  );
}

describe('kill -9 a worker during a burst of 1,000 alerts', () => {
  let receiver: WebhookReceiver;
  let herald: Harness;
  const workers: HeraldProcess[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    herald = await startHarness({ worker: false });
  });
  afterAll(async () => {
    for (const worker of workers) await stopProcess(worker);
    await herald?.close();
    await receiver?.close();
  });

  test('another worker delivers every alert; repeats carry the same webhook-id', async () => {
    // Slow answers keep many deliveries in flight when the worker dies.
    receiver.on('/burst', () => ({ status: 204, delayMs: 30 }));
    await genericWebhook(herald, receiver, '/burst');
    const first = await startWorker(herald);
    workers.push(first);

    const total = 1_000;
    for (let start = 0; start < total; start += 100) {
      expect((await herald.request('POST', '/v1/alerts/batch', { alerts: alerts(start, 100) })).status).toBe(202);
    }
    await receiver.waitFor(() => receiver.requestsFor('/burst').length >= 200, 60_000);
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(first.child.signalCode).toBe('SIGKILL');
    const deliveredByFirst = new Set(deliveryIds(receiver, '/burst')).size;
    expect(deliveredByFirst).toBeLessThan(total);

    workers.push(await startWorker(herald));
    await receiver.waitFor(() => new Set(deliveryIds(receiver, '/burst')).size === total, 90_000);
    await everyAlertDelivered(herald, total);

    const figures = countDeliveries(total, deliveryIds(receiver, '/burst'));
    reportFault('kill-9', { sent: total, ...figures, delivered_before_kill: deliveredByFirst });
    expect(figures.lost).toBe(0);
    expectRepeatsToMatch(receiver, '/burst');
    // Only deliveries in flight at the kill can repeat (at most the worker's concurrency).
    expect(figures.duplicates).toBeLessThanOrEqual(20);
  });
});

describe('Redis restarted with its data wiped during a burst', () => {
  let receiver: WebhookReceiver;
  let redis: PrivateRedis;
  let herald: Harness;
  let worker: HeraldProcess | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    redis = await startPrivateRedis();
    herald = await startHarness({ worker: false, env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await stopProcess(worker);
    await herald?.close();
    await redis?.stop();
    await receiver?.close();
  });

  test('every alert answered 202 is still delivered', async () => {
    receiver.on('/wiped', () => ({ status: 204, delayMs: 20 }));
    await genericWebhook(herald, receiver, '/wiped');
    worker = await startWorker(herald);

    let accepted = 0;
    let sent = 0;
    const post = async () => {
      const response = await herald.request('POST', '/v1/alerts/batch', { alerts: alerts(sent, 50) });
      sent += 50;
      expect(response.status).toBe(202);
      accepted += (response.body.ids as string[]).length;
    };
    for (let i = 0; i < 6; i++) await post();
    await receiver.waitFor(() => receiver.requestsFor('/wiped').length >= 100, 30_000);
    // Mid-burst: queued, delayed and active jobs are all gone with the data.
    const wipe = redis.restartWiped();
    for (let i = 0; i < 6; i++) await post();
    await wipe;
    for (let i = 0; i < 4; i++) await post();

    await receiver.waitFor(() => new Set(deliveryIds(receiver, '/wiped')).size === accepted, 60_000);
    await everyAlertDelivered(herald, accepted);
    const figures = countDeliveries(accepted, deliveryIds(receiver, '/wiped'));
    reportFault('redis-wiped', { sent: accepted, ...figures });
    expect(accepted).toBe(sent);
    // Redis did lose work, and the sweeper put it back from the database.
    expect(worker?.output()).toMatch(/sweeper re-enqueued work Redis did not hold/);
    expect(figures.lost).toBe(0);
    expectRepeatsToMatch(receiver, '/wiped');
  });
});

describe('SIGTERM a worker with deliveries in flight', () => {
  let receiver: WebhookReceiver;
  let herald: Harness;
  const workers: HeraldProcess[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    herald = await startHarness({ worker: false });
  });
  afterAll(async () => {
    for (const worker of workers) await stopProcess(worker);
    await herald?.close();
    await receiver?.close();
  });

  test('it takes no more jobs, finishes the in-flight ones within the grace period and exits 0', async () => {
    receiver.on('/slow', () => ({ status: 204, delayMs: 2_000 }));
    await genericWebhook(herald, receiver, '/slow');
    const graceMs = 10_000;
    const first = await startWorker(herald, { HERALD_SHUTDOWN_GRACE_MS: String(graceMs) });
    workers.push(first);

    const total = 40;
    expect((await herald.request('POST', '/v1/alerts/batch', { alerts: alerts(0, total) })).status).toBe(202);
    await receiver.waitFor(() => receiver.requestsFor('/slow').length >= 5, 30_000);
    const termAt = Date.now();
    first.kill('SIGTERM');
    const code = await first.exited;
    const stoppedInMs = Date.now() - termAt;
    expect(code).toBe(0);
    expect(stoppedInMs).toBeLessThan(graceMs);
    expect(first.output()).not.toMatch(/forcing close/);

    // Every request it had sent was answered and recorded; none started after the signal.
    const inFlight = deliveryIds(receiver, '/slow');
    expect(receiver.requestsFor('/slow').every((r) => r.receivedAtMs < termAt + 500)).toBe(true);
    const recorded = await herald.database.prisma.delivery.findMany({ where: { id: { in: inFlight } }, select: { status: true } });
    expect(recorded.map((d) => d.status)).toEqual(inFlight.map(() => 'delivered'));

    workers.push(await startWorker(herald));
    await receiver.waitFor(() => new Set(deliveryIds(receiver, '/slow')).size === total, 60_000);
    await everyAlertDelivered(herald, total);
    const figures = countDeliveries(total, deliveryIds(receiver, '/slow'));
    reportFault('sigterm', { sent: total, ...figures, in_flight_at_signal: inFlight.length, stopped_in_ms: stoppedInMs });
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBe(0);
  });
});
