import { createFernetCodec, generateFernetKey } from '@herald/crypto';
import { startApi, startWorker } from '@herald/runtime';
import { createWebhook, eventually, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { contextWithKeys, workerWithKeys, type WorkerWithKeys } from '../support/worker-with-keys';

jest.setTimeout(120_000);

describe('a worker process with the wrong Fernet key beside one with the right keys', () => {
  const KEY_OLD = generateFernetKey();
  const KEY_NEW = generateFernetKey();
  let herald: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The API encrypts with NEW and reads OLD: a rotation under way.
    herald = await startHarness({ worker: false, env: { HERALD_FERNET_KEYS: `${KEY_NEW},${KEY_OLD}` } });
  });

  afterAll(async () => {
    await herald?.close();
    await receiver?.close();
  });

  it('refuses to start a process whose keys open no stored webhook, with one line saying so', async () => {
    await createWebhook(herald, '/v1/webhooks', { name: 'first', url: receiver.url('/refuse'), type: 'generic' });
    const context = await contextWithKeys(herald, [generateFernetKey()]);
    try {
      for (const start of [() => startWorker(context), () => startApi(context)]) {
        const refused = start();
        await expect(refused).rejects.toThrow(
          /^none of the 1 stored webhooks can be decrypted with the configured keys.*Refusing to start\.$/,
        );
        await refused.catch((error: Error) => expect(error.message).not.toContain('\n'));
      }
    } finally {
      await context.close();
    }
    expect(await herald.database.prisma.webhook.count({ where: { disabledReason: { not: null } } })).toBe(0);
    await herald.database.prisma.webhook.deleteMany();
    await herald.context.announceDirectoryChange();
  });

  it('never disables a webhook it cannot decrypt: deliveries wait (no attempt spent) and all arrive once the wrong process stops', async () => {
    const prisma = herald.database.prisma;
    // One webhook still under the old key (written before the rotation), one saved since under the new key.
    const codecOld = createFernetCodec([KEY_OLD]);
    await prisma.webhook.create({
      data: {
        name: 'old key',
        type: 'generic',
        urlEncrypted: codecOld.encrypt(receiver.url('/keys/old')),
        urlMasked: 'http://127.0.0.1/…••••-old',
        encryptionKeyId: codecOld.primaryKeyId,
      },
    });
    const newHook = await createWebhook(herald, '/v1/webhooks', { name: 'new key', url: receiver.url('/keys/new'), type: 'generic' });
    await herald.context.announceDirectoryChange();

    // A worker left running with the old key list: it opens one webhook, so it starts, but it is not ready.
    let handedBack = 0;
    let wrong: WorkerWithKeys | null = await workerWithKeys(herald, [KEY_OLD], {
      metricsPort: 0,
      onDeliveryHandedBack: () => (handedBack += 1),
    });
    const alertIds: string[] = [];
    for (let i = 0; i < 5; i += 1) alertIds.push(await postAlert(herald, { printer_id: 1, title: `Rotation alert ${i}` }));

    await eventually('the wrong worker to hand deliveries back', async () => (handedBack >= 5 ? true : undefined));
    await eventually('the old-key webhook to get every alert', async () =>
      receiver.requestsFor('/keys/old').length === 5 ? true : undefined,
    );
    expect(receiver.requestsFor('/keys/new')).toHaveLength(0);
    const ready = await fetch(`${wrong.worker.metricsAddress}/readyz`);
    expect(ready.status).toBe(503);
    // An API process with the same old key list is not ready either, before it has routed anything.
    const wrongApi = await startApi(wrong.context);
    try {
      const apiReady = await fetch(`${wrongApi.address}/readyz`);
      expect(apiReady.status).toBe(503);
      expect(await apiReady.json()).toMatchObject({ status: 'degraded', keys: 'cannot decrypt some webhooks' });
    } finally {
      await wrongApi.close();
    }
    expect((await herald.request('GET', '/readyz', undefined, null)).body).toMatchObject({ status: 'ready', keys: 'ok' });
    const metrics = await (await fetch(`${wrong.worker.metricsAddress}/metrics`)).text();
    expect(metrics).toMatch(/^herald_webhooks_undecryptable 1$/m);
    expect(metrics).toMatch(/^herald_deliveries_handed_back_total [1-9]\d*$/m);
    // Nothing disabled, no attempt spent on the webhook the wrong process could not open.
    expect((await prisma.webhook.findUniqueOrThrow({ where: { id: newHook.id } })).disabledReason).toBeNull();
    const waiting = await prisma.delivery.findMany({ where: { webhookId: newHook.id } });
    expect(waiting).toHaveLength(5);
    for (const delivery of waiting) {
      expect(delivery.attemptCount).toBe(0);
      expect(delivery.status).toBe('pending');
    }

    // The right process starts beside it (ready); then the wrong one is stopped.
    const right = await workerWithKeys(herald, [KEY_NEW, KEY_OLD], { metricsPort: 0 });
    try {
      expect((await fetch(`${right.worker.metricsAddress}/readyz`)).status).toBe(200);
      await wrong.stop();
      wrong = null;
      await eventually(
        'every delivery to be delivered',
        async () => ((await prisma.delivery.count({ where: { status: 'delivered' } })) === 10 ? true : undefined),
        30_000,
      );
    } finally {
      await wrong?.stop();
      await right.stop();
    }
    expect(await prisma.delivery.groupBy({ by: ['status'], _count: true })).toEqual([{ status: 'delivered', _count: 10 }]);
    expect(
      receiver
        .requestsFor('/keys/new')
        .map((r) => (r.json as { title: string }).title)
        .sort(),
    ).toEqual(alertIds.map((_, i) => `Rotation alert ${i}`));
    expect(await prisma.webhook.count({ where: { disabledReason: { not: null } } })).toBe(0);
  });
});
