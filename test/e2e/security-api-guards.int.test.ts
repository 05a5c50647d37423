import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFernetCodec, verifyWebhook } from '@herald/crypto';
import { createToken, createWebhook, eventually, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/**
 * The API-side guards of @herald/net-guard as wired into the server: JSON depth limit, per-token
 * rate limit, the SSRF guard on POST /v1/webhooks/:id/test, and signing-secret rotation.
 */
let herald: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ env: { HERALD_API_RATE_LIMIT: '30' } });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

describe('JSON depth limit', () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

  it('POST /v1/alerts with JSON nested 33 levels deep is a 400 naming the body; 32 levels reach validation', async () => {
    const deep = await herald.request('POST', '/v1/alerts', nested(33));
    expect(deep.status).toBe(400);
    expect(deep.body).toEqual({
      error: 'validation_failed',
      message: 'body: JSON is nested more than 32 levels deep',
      errors: [{ field: 'body', message: 'JSON is nested more than 32 levels deep' }],
    });
    const allowed = await herald.request('POST', '/v1/alerts', nested(32));
    expect(allowed.status).toBe(400);
    expect(allowed.body.errors[0].field).not.toBe('body');
  });

  it('a 1 MiB batch of brackets is refused without parsing it', async () => {
    const response = await herald.request('POST', '/v1/alerts/batch', '['.repeat(1_000_000));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body', message: 'JSON is nested more than 32 levels deep' }]);
  });
});

describe('per-token rate limit (HERALD_API_RATE_LIMIT=30)', () => {
  it('answers 429 with Retry-After once a token has used its minute, other tokens unaffected', async () => {
    const busy = await createToken(herald, { name: 'busy', role: 'admin' });
    const calm = await createToken(herald, { name: 'calm', role: 'admin' });
    // At 30 per minute a slot frees up every 2 s (GCRA). The burst is sent at once; on a loaded
    // machine it can still take longer than one slot, so the refusal may come a request or two later.
    expect((await herald.request('GET', '/v1/webhooks', undefined, calm.secret)).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 30 }, () => herald.request('GET', '/v1/webhooks', undefined, busy.secret)));
    expect(burst.every((response) => response.status === 200)).toBe(true);
    let limited = await herald.request('GET', '/v1/webhooks', undefined, busy.secret);
    for (let extra = 0; limited.status === 200 && extra < 5; extra += 1) {
      limited = await herald.request('GET', '/v1/webhooks', undefined, busy.secret);
    }
    expect(limited.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect(limited?.body).toEqual({ error: 'rate_limited', message: expect.stringContaining('at most 30 per minute') });
    expect((await herald.request('GET', '/v1/webhooks', undefined, calm.secret)).status).toBe(200);
  });
});

describe('POST /v1/webhooks/:id/test goes through the SSRF guard', () => {
  let sideServer: http.Server;
  let port: number;

  beforeAll(async () => {
    sideServer = http.createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => sideServer.listen(0, '127.0.0.1', resolve));
    port = (sideServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    sideServer.closeAllConnections();
    await new Promise((resolve) => sideServer.close(resolve));
  });

  it('tests an allowed endpoint, and refuses (422) one that the allow list no longer covers', async () => {
    const ok = await createWebhook(herald, '/v1/webhooks', {
      name: 'allowed',
      url: `http://127.0.0.1:${port}/t/secret-tok`,
      type: 'generic',
    });
    const tested = await herald.request('POST', `/v1/webhooks/${ok.id}/test`);
    expect(tested).toMatchObject({ status: 200, body: { ok: true, status_code: 204 } });

    // Stored while it was allowed (here: written directly), now pointing at the metadata address.
    const codec = createFernetCodec(herald.config.fernetKeys);
    await herald.database.prisma.webhook.update({
      where: { id: ok.id },
      data: { urlEncrypted: codec.encrypt('https://169.254.169.254/latest/meta-data/') },
    });
    const blocked = await herald.request('POST', `/v1/webhooks/${ok.id}/test`);
    expect(blocked.status).toBe(422);
    expect(blocked.body).toMatchObject({ error: 'destination_blocked', message: expect.stringContaining('link-local (169.254.0.0/16)') });
    expect(JSON.stringify(blocked.body)).not.toContain('meta-data');
  });
});

describe('POST /v1/webhooks/:id/rotate-secret', () => {
  it('returns a new secret once; both secrets sign for 24 h, receivers verify with either', async () => {
    const created = await herald.request('POST', '/v1/webhooks', { name: 'signed', url: receiver.url('/signed/tok'), type: 'generic' });
    expect(created.status).toBe(201);
    const oldSecret = created.body.signing_secret as string;

    const rotated = await herald.request('POST', `/v1/webhooks/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.signing_secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const expiresAt = Date.parse(rotated.body.previous_secret_expires_at);
    expect(expiresAt - Date.now()).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect(JSON.stringify((await herald.request('GET', `/v1/webhooks/${created.body.id}`)).body)).not.toContain(newSecret.slice(6));

    await postAlert(herald, { printer_id: 2, title: 'after rotation' });
    await eventually('the signed delivery', async () => (receiver.requestsFor('/signed/tok').length > 0 ? true : undefined));
    const [request] = receiver.requestsFor('/signed/tok');
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(() => verifyWebhook({ headers: request?.headers as Record<string, string>, body: request?.body ?? '', secret })).not.toThrow();
    }
  });

  it('refuses Discord and Slack webhooks (they are not signed)', async () => {
    const discord = await createWebhook(herald, '/v1/webhooks', { name: 'discord', url: receiver.url('/d/tok'), type: 'discord' });
    expect((await herald.request('POST', `/v1/webhooks/${discord.id}/rotate-secret`)).status).toBe(409);
  });
});
