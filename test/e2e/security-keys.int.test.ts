import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { createFernetCodec, generateFernetKey, verifyWebhook } from '@herald/crypto';
import python from '../../packages/crypto/test/fixtures/python-cryptography-fernet-local-url.json';
import { createWebhook, eventually, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { workerWithKeys } from '../support/worker-with-keys';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npm run keys:rotate` as an operator runs it, against the harness database. */
async function keysRotate(databaseUrl: string, keys: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      TSX,
      [path.join(ROOT, 'packages/db/src/cli/keys-rotate.ts'), '--batch-size', '1'],
      {
        cwd: ROOT,
        env: { ...process.env, HERALD_ENV: 'test', DATABASE_URL: databaseUrl, HERALD_FERNET_KEYS: keys.join(',') },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('a webhook row encrypted by Python cryptography', () => {
  let herald: Harness;
  let server: http.Server;
  const received: { path: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    const target = new URL(python.plaintext);
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(Number(target.port), target.hostname, resolve));
    herald = await startHarness({ env: { HERALD_FERNET_KEYS: python.key } });
  });

  afterAll(async () => {
    await herald?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is delivered by the worker', async () => {
    await herald.database.prisma.webhook.create({
      data: {
        name: 'made in Python',
        type: 'generic',
        urlEncrypted: python.token,
        urlMasked: 'http://127.77.0.1/…••••-Zq4',
        encryptionKeyId: herald.context.codec.primaryKeyId,
      },
    });
    await herald.context.announceDirectoryChange();
    const alertId = await postAlert(herald, { printer_id: 4, title: 'Python vector' });

    await eventually('the Python-encrypted URL to receive the alert', async () => (received.length > 0 ? true : undefined));
    expect(received[0]?.path).toBe(new URL(python.plaintext).pathname);
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ title: 'Python vector' });
    const prisma = herald.database.prisma;
    await eventually('the delivery to be recorded', async () =>
      (await prisma.delivery.findFirst({ where: { alertId, status: 'delivered' } })) ? true : undefined,
    );
  });
});

describe('Fernet key rotation while alerts keep flowing', () => {
  const KEY_A = generateFernetKey();
  const KEY_B = generateFernetKey();
  let herald: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The API routes alerts too, so it decrypts URLs: like every process it must read B before
    // anything is re-encrypted. It starts with A to encrypt and B to read (step 0 of the rollout).
    herald = await startHarness({ worker: false, env: { HERALD_FERNET_KEYS: `${KEY_A},${KEY_B}` } });
  });

  afterAll(async () => {
    await herald?.close();
    await receiver?.close();
  });

  it('rotates A → [B, A], then drops A: no failed delivery, every URL and secret readable with B alone, no clear URL stored', async () => {
    const secretPath = `/rotation/generic/tok-${generateFernetKey()
      .slice(0, 16)
      .replace(/[^A-Za-z0-9]/g, 'x')}`;
    const generic = await herald.request('POST', '/v1/webhooks', { name: 'generic', url: receiver.url(secretPath), type: 'generic' });
    expect(generic.status).toBe(201);
    const signingSecret = generic.body.signing_secret as string;
    await createWebhook(herald, '/v1/webhooks', {
      name: 'discord',
      url: receiver.url('/rotation/discord/tok-discord-secret'),
      type: 'discord',
      rate_limit: { limit: 1000, interval_ms: 1000 },
    });

    let workerProcess = await workerWithKeys(herald, [KEY_A]);
    const alertIds: string[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i += 1) {
        alertIds.push(await postAlert(herald, { printer_id: 1, title: `Alert ${i}`, dedupe_key: `rotation-${i}` }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    try {
      await pause(700);
      // 1. Every process learns the new key first (rolling restart: the new worker starts before the old stops).
      const withBoth = await workerWithKeys(herald, [KEY_B, KEY_A]);
      await workerProcess.stop();
      workerProcess = withBoth;
      await pause(500);

      // 2. Re-encrypt everything stored with B.
      const rotation = await keysRotate(herald.database.url, [KEY_B, KEY_A]);
      expect(rotation).toMatchObject({
        code: 0,
        stdout: 'keys:rotate: rotated 2, already current 0, undecryptable 0, skipped 0, re-enabled 0\n',
      });
      expect(rotation.stdout + rotation.stderr).not.toContain(KEY_A);
      expect(rotation.stdout + rotation.stderr).not.toContain(KEY_B);
      await herald.context.announceDirectoryChange();
      await pause(500);

      // 3. Drop A.
      const onlyB = await workerWithKeys(herald, [KEY_B]);
      await workerProcess.stop();
      workerProcess = onlyB;
      await herald.context.announceDirectoryChange();
      await pause(700);
    } finally {
      sending = false;
      await traffic;
    }

    const expected = alertIds.length * 2;
    expect(alertIds.length).toBeGreaterThan(40);
    const prisma = herald.database.prisma;
    await eventually(
      `all ${expected} deliveries to finish`,
      async () => ((await prisma.delivery.count({ where: { status: 'delivered' } })) === expected ? true : undefined),
      30_000,
    );
    await workerProcess.stop();

    expect(await prisma.delivery.groupBy({ by: ['status'], _count: true })).toEqual([{ status: 'delivered', _count: expected }]);
    expect(await prisma.deliveryAttempt.count()).toBe(expected);
    const webhooks = await prisma.webhook.findMany();
    const codecB = createFernetCodec([KEY_B]);
    for (const webhook of webhooks) {
      expect(webhook.disabledReason).toBeNull();
      expect(webhook.encryptionKeyId).toBe(codecB.primaryKeyId);
      expect(codecB.decrypt(webhook.urlEncrypted)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rotation\//);
    }
    // Signed with the same secret before and after rotation.
    const signed = receiver.requestsFor(secretPath);
    expect(signed).toHaveLength(alertIds.length);
    for (const request of signed) {
      expect(() =>
        verifyWebhook({ headers: request.headers as Record<string, string>, body: request.body, secret: signingSecret }),
      ).not.toThrow();
    }

    // No clear URL, secret path or signing secret anywhere in the database.
    const tables = ['webhooks', 'alerts', 'deliveries', 'delivery_attempts'];
    const dump = (
      await Promise.all(tables.map((table) => prisma.$queryRawUnsafe<unknown[]>(`SELECT row_to_json(t)::text AS row FROM ${table} t`)))
    )
      .flat()
      .map((row) => JSON.stringify(row))
      .join('\n');
    expect(dump.length).toBeGreaterThan(1000);
    const clearTexts = [receiver.url(secretPath), secretPath, 'tok-discord-secret', signingSecret.slice(6)];
    expect(clearTexts.filter((text) => dump.includes(text))).toEqual([]);
  });
});
