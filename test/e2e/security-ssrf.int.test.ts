import dns from 'node:dns';
import { createHeraldContext, startWorker, type HeraldContext, type RunningWorker } from '@herald/runtime';
import { createOrg, createToken, createWebhook, deliveriesOnceSettled, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/**
 * The SSRF guard as a user meets it: saving a webhook that points at a private address is a 422
 * naming the reason; a webhook that was allowed when saved but is not allowed for the worker that
 * sends it fails unrecoverably, with the reason recorded and nothing sent; so does one whose host
 * name resolved to a public address when saved and to 127.0.0.1 when sent (DNS rebinding).
 */
describe('SSRF guard at save time (nothing allowed)', () => {
  let herald: Harness;
  let orgId: number;

  beforeAll(async () => {
    herald = await startHarness({ env: { HERALD_ALLOWED_PRIVATE_TARGETS: '' }, worker: false });
    // No private target of its own: the organization is refused what the (empty) system list refuses.
    orgId = await createOrg(herald, 'Farm', true, []);
  });

  afterAll(async () => {
    await herald?.close();
  });

  const TOKEN = 'tok3nSecretPart';

  it.each([
    ['https://127.0.0.1/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://2130706433/', 'loopback'],
    ['https://017700000001/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[::ffff:7f00:1]/', 'loopback'],
    ['https://[::1]:8443/', 'loopback'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://10.0.0.8/', 'private'],
    ['https://192.168.1.20/', 'private'],
    ['https://172.20.0.1/', 'private'],
    ['https://100.64.0.1/', 'shared (CGNAT)'],
    ['https://[fd00::1]/', 'unique-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://224.0.0.1/', 'multicast'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://255.255.255.255/', 'broadcast'],
  ])('POST /v1/webhooks %s → 422 (%s)', async (base, category) => {
    const url = `${base}hooks/${TOKEN}`;
    const response = await herald.request('POST', '/v1/webhooks', { name: 'x', url, type: 'generic' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringContaining(`is ${category} (`) }]);
    expect(JSON.stringify(response.body)).not.toContain(TOKEN);
  });

  it.each([
    ['http://hooks.example.com/x', 'must use https'],
    ['https://user:pass@hooks.example.com/x', 'must not contain credentials'],
    ['https://hooks.example.com:22/x', 'port 22 is not allowed'],
    ['https://hooks.example.com:25/x', 'port 25 is not allowed'],
    ['ftp://hooks.example.com/x', 'must use https'],
  ])('POST /v1/webhooks %s → 422 "%s"', async (url, message) => {
    const response = await herald.request('POST', '/v1/webhooks', { name: 'x', url, type: 'generic' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringContaining(message) }]);
    expect(JSON.stringify(response.body)).not.toContain('pass');
  });

  it('PATCH /v1/webhooks/:id and PUT /v1/orgs/:id/settings apply the same rules', async () => {
    const webhook = await createWebhook(herald, '/v1/webhooks', { name: 'public', url: 'https://hooks.example.com/ok', type: 'generic' });
    const patched = await herald.request('PATCH', `/v1/webhooks/${webhook.id}`, { url: 'https://0x7f.1/x' });
    expect(patched.status).toBe(422);
    expect(patched.body.errors[0].message).toContain('loopback');

    const settings = await herald.request('PUT', `/v1/orgs/${orgId}/settings`, { webhook_url: 'https://[::ffff:169.254.169.254]/x' });
    expect(settings.status).toBe(422);
    expect(settings.body.errors[0].message).toContain('link-local');
  });

  it('a host name that resolves to 127.0.0.1 is refused at save time (resolved with dns.lookup)', async () => {
    const response = await herald.request('POST', '/v1/webhooks', {
      name: 'x',
      url: `https://localhost:8443/hooks/${TOKEN}`,
      type: 'generic',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringContaining('loopback (127.0.0.0/8)') }]);
  });

  describe('an organization admin gets no oracle', () => {
    let orgAdmin: string;
    beforeAll(async () => {
      orgAdmin = (await createToken(herald, { name: 'farm admin', role: 'org_admin', org_id: orgId })).secret;
    });
    const refused = [{ field: 'url', message: 'refused by the network policy' }];

    it('save time: a name resolving to loopback, a name that does not exist and a private literal all get the same generic 422', async () => {
      const answers = [];
      for (const url of [`https://localhost:8443/hooks/${TOKEN}`, 'https://no-such-host.invalid/x', 'https://10.0.0.8/x']) {
        const response = await herald.request('POST', `/v1/orgs/${orgId}/webhooks`, { name: 'probe', url, type: 'generic' }, orgAdmin);
        answers.push({ status: response.status, body: response.body });
      }
      expect(answers).toEqual(
        answers.map(() => ({ status: 422, body: { error: expect.any(String), message: expect.any(String), errors: refused } })),
      );
      expect(JSON.stringify(answers)).not.toMatch(/127\.|10\.0\.0\.8|loopback|private|ENOTFOUND|resolve/);
      const settings = await herald.request('PUT', `/v1/orgs/${orgId}/settings`, { webhook_url: 'https://localhost:8443/x' }, orgAdmin);
      expect(settings.status).toBe(422);
      expect(settings.body.errors).toEqual([{ field: 'webhook_url', message: 'refused by the network policy' }]);
      // The operator still gets the reason.
      const asAdmin = await herald.request('POST', `/v1/orgs/${orgId}/webhooks`, { name: 'x', url: 'https://10.0.0.8/x', type: 'generic' });
      expect(asAdmin.body.errors[0].message).toContain('private (');
    });

    it('test send: a refused destination is the generic 422, without the address', async () => {
      // Saved when the address was allowed; the network policy refuses it now.
      const webhook = await herald.database.prisma.webhook.create({
        data: {
          name: 'was allowed',
          type: 'generic',
          orgId,
          urlEncrypted: herald.context.codec.encrypt('https://10.0.0.8:8443/hooks'),
          urlMasked: 'https://10.0.0.8:8443/…••••ooks',
          encryptionKeyId: herald.context.codec.primaryKeyId,
        },
      });
      const asTenant = await herald.request('POST', `/v1/orgs/${orgId}/webhooks/${webhook.id}/test`, undefined, orgAdmin);
      expect(asTenant.status).toBe(422);
      expect(asTenant.body.message).toBe('refused by the network policy');
      expect(JSON.stringify(asTenant.body)).not.toMatch(/10\.0\.0|private|SSRF/);
      const asOperator = await herald.request('POST', `/v1/orgs/${orgId}/webhooks/${webhook.id}/test`);
      expect(asOperator.status).toBe(422);
      expect(asOperator.body.message).toContain('private (10.0.0.0/8)');
    });
  });
});

describe('SSRF guard at send time', () => {
  let herald: Harness;
  let receiver: WebhookReceiver;
  let strictContext: HeraldContext;
  let strictWorker: RunningWorker;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The API may save 127.0.0.0/8 targets; the worker that sends may not (as after the list is shortened).
    herald = await startHarness({ worker: false, env: { HERALD_RETRY_SCHEDULE: '1,1' } });
    strictContext = await createHeraldContext({ ...herald.config, allowedPrivateTargets: [] }, 'worker', herald.context.logger);
    strictWorker = await startWorker(strictContext);
  });

  afterAll(async () => {
    await strictWorker?.close();
    await strictContext?.close();
    await herald?.close();
    await receiver?.close();
  });

  it('fails the delivery unrecoverably after one attempt, records the reason, sends nothing', async () => {
    await createWebhook(herald, '/v1/webhooks', {
      name: 'now private',
      url: receiver.url('/blocked/tok3n').replace('http:', 'https:'),
      type: 'generic',
    });
    const alertId = await postAlert(herald, { printer_id: 7 });

    const [delivery] = await deliveriesOnceSettled(herald, alertId);

    expect(delivery).toMatchObject({ status: 'failed' });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.last_error).toContain('destination blocked by the SSRF guard');
    expect(delivery.last_error).toContain('loopback (127.0.0.0/8)');
    expect(JSON.stringify(delivery)).not.toContain('tok3n');
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('SSRF guard against DNS rebinding (the name changes between save and send)', () => {
  const REBINDING_HOST = 'rebinding.herald.test';
  let answer = '93.184.215.14';
  const lookedUp: string[] = [];
  let lookup: jest.SpiedFunction<typeof dns.promises.lookup>;
  let herald: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The system resolver the API (save time) and the worker (send time) both use, answering for
    // one name the way a rebinding attacker's DNS server would; every other name resolves as usual.
    const systemLookup = dns.promises.lookup.bind(dns.promises);
    lookup = jest.spyOn(dns.promises, 'lookup').mockImplementation((async (hostname: string, options: dns.LookupAllOptions) => {
      if (hostname !== REBINDING_HOST) return systemLookup(hostname, options);
      lookedUp.push(answer);
      return [{ address: answer, family: 4 }];
    }) as typeof dns.promises.lookup);
    herald = await startHarness({ env: { HERALD_ALLOWED_PRIVATE_TARGETS: '', HERALD_RETRY_SCHEDULE: '1,1' } });
  });

  afterAll(async () => {
    await herald?.close();
    lookup?.mockRestore();
    await receiver?.close();
  });

  it('a webhook saved while its name was public fails unrecoverably once the name points at 127.0.0.1; nothing reaches the receiver', async () => {
    const { port } = new URL(receiver.url('/'));
    const saved = await herald.request('POST', '/v1/webhooks', {
      name: 'rebinding',
      url: `https://${REBINDING_HOST}:${port}/rebound/tok3n`,
      type: 'generic',
    });
    expect(saved.status).toBe(201);
    expect(lookedUp).toEqual(['93.184.215.14']);

    answer = '127.0.0.1';
    const alertId = await postAlert(herald, { printer_id: 7 });
    const [settled] = await deliveriesOnceSettled(herald, alertId);
    const delivery = (await herald.request('GET', `/v1/deliveries/${settled.id}`)).body;

    expect(lookedUp).toEqual(['93.184.215.14', '127.0.0.1']);
    expect(delivery).toMatchObject({ status: 'failed' });
    expect(delivery.attempts).toHaveLength(1);
    // Refused after resolving and before connecting, so not even a TLS handshake reached 127.0.0.1.
    expect(delivery.last_error).toContain('destination blocked by the SSRF guard');
    expect(delivery.last_error).toContain('loopback (127.0.0.0/8)');
    expect(JSON.stringify(delivery)).not.toContain('tok3n');
    expect(delivery.last_error).not.toContain(REBINDING_HOST);
    expect(receiver.requests).toHaveLength(0);
  });
});
