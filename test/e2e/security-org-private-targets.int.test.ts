import { createOrg, createToken, createWebhook, deliveriesOnceSettled, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/**
 * Issue 15: private-target allow-listing per organization. HERALD_ALLOWED_PRIVATE_TARGETS (here
 * 127.0.0.0/8, the test receivers) is the system's list: system webhooks only. An organization
 * reaches a private target only once a system admin put it on the organization's own list; its
 * admin cannot change that list.
 */
describe('per-organization private-target allow-list', () => {
  let herald: Harness;
  let receiver: WebhookReceiver;
  let farmA: number;
  let farmB: number;
  let adminA: string;
  let adminB: string;
  const refused = [{ field: 'url', message: 'refused by the network policy' }];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    herald = await startHarness({ env: { HERALD_RETRY_SCHEDULE: '1,1' } });
    farmA = await createOrg(herald, 'Farm A', true, []);
    farmB = await createOrg(herald, 'Farm B', true, ['127.0.0.1']);
    adminA = (await createToken(herald, { name: 'farm A admin', role: 'org_admin', org_id: farmA })).secret;
    adminB = (await createToken(herald, { name: 'farm B admin', role: 'org_admin', org_id: farmB })).secret;
    expect((await herald.request('PUT', '/v1/printers/101', { name: 'A1', org_id: farmA })).status).toBe(200);
    expect((await herald.request('PUT', '/v1/printers/102', { name: 'B1', org_id: farmB })).status).toBe(200);
  });

  afterAll(async () => {
    await herald?.close();
    await receiver?.close();
  });

  const orgHook = (orgId: number, path: string, token: string) =>
    herald.request('POST', `/v1/orgs/${orgId}/webhooks`, { name: path, url: receiver.url(path), type: 'generic' }, token);

  it('the system list stays the system scope: the admin saves and test-sends a system webhook to the receiver', async () => {
    const webhook = await createWebhook(herald, '/v1/webhooks', { name: 'ops', url: receiver.url('/system'), type: 'generic' });
    const test = await herald.request('POST', `/v1/webhooks/${webhook.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body.status_code).toBe(204);
    expect(receiver.requestsFor('/system')).toHaveLength(1);
    await herald.request('DELETE', `/v1/webhooks/${webhook.id}`);
  });

  it("an organization without a list of its own does not get the system's, nor another organization's (save time)", async () => {
    const asTenant = await herald.request(
      'POST',
      `/v1/orgs/${farmA}/webhooks`,
      { name: 'x', url: receiver.url('/a-save').replace('http:', 'https:'), type: 'generic' },
      adminA,
    );
    expect(asTenant.status).toBe(422);
    expect(asTenant.body.errors).toEqual(refused);
    const plainHttp = await orgHook(farmA, '/a-save', adminA);
    expect(plainHttp.status).toBe(422);
    expect(JSON.stringify(plainHttp.body)).not.toMatch(/127\.|loopback/);
    // Not for the admin either: the list is the organization's, whoever saves its webhook.
    const asAdmin = await herald.request('POST', `/v1/orgs/${farmA}/webhooks`, {
      name: 'x',
      url: receiver.url('/a-save'),
      type: 'generic',
    });
    expect(asAdmin.status).toBe(422);
    expect(asAdmin.body.errors[0].message).toContain("the organization's allowed_private_targets");
    const settings = await herald.request(
      'PUT',
      `/v1/orgs/${farmA}/settings`,
      { webhook_url: receiver.url('/a-settings').replace('http:', 'https:') },
      adminA,
    );
    expect(settings.status).toBe(422);
    expect(settings.body.errors).toEqual([{ field: 'webhook_url', message: 'refused by the network policy' }]);
    // Farm B was granted the target: its admin saves.
    expect((await orgHook(farmB, '/b-save', adminB)).status).toBe(201);
  });

  it('test send and every delivery are judged by the organization list, not only the save', async () => {
    // Saved behind the API's back (or when the list still allowed it): the send-time guard refuses it.
    const webhook = await herald.database.prisma.webhook.create({
      data: {
        name: 'planted',
        type: 'generic',
        orgId: farmA,
        urlEncrypted: herald.context.codec.encrypt(receiver.url('/a-planted')),
        urlMasked: 'http://127.0.0.1/…',
        encryptionKeyId: herald.context.codec.primaryKeyId,
      },
    });
    // Any change through the API reloads every process's webhook cache.
    expect((await herald.request('PUT', '/v1/printers/101', { name: 'A1', org_id: farmA })).status).toBe(200);
    const test = await herald.request('POST', `/v1/orgs/${farmA}/webhooks/${webhook.id}/test`, undefined, adminA);
    expect(test.status).toBe(422);
    expect(test.body.message).toBe('refused by the network policy');

    const alertId = await postAlert(herald, { printer_id: 101, title: 'farm A alert' });
    const deliveries = await deliveriesOnceSettled(herald, alertId);
    expect(deliveries).toEqual([expect.objectContaining({ webhook_id: webhook.id, status: 'failed' })]);
    expect(deliveries[0].last_error).toContain('SSRF guard');
    expect(deliveries[0].last_error).toContain("the organization's allowed_private_targets");
    expect(receiver.requestsFor('/a-planted')).toHaveLength(0);
    // The organization admin reads the refusal without the address.
    const asTenant = await herald.request('GET', `/v1/alerts/${alertId}`, undefined, adminA);
    expect(asTenant.body.deliveries[0].last_error).toBe('destination refused by the network policy');
  });

  it('an organization admin cannot change its list (403); it sees it read-only', async () => {
    const patch = await herald.request('PATCH', `/v1/orgs/${farmA}`, { allowed_private_targets: ['127.0.0.0/8'] }, adminA);
    expect(patch.status).toBe(403);
    const create = await herald.request('POST', '/v1/orgs', { name: 'own', allowed_private_targets: ['0.0.0.0/0'] }, adminA);
    expect(create.status).toBe(403);
    const seen = await herald.request('GET', `/v1/orgs/${farmA}`, undefined, adminA);
    expect(seen.body.allowed_private_targets).toEqual([]);
    expect((await herald.request('GET', `/v1/orgs/${farmB}`, undefined, adminB)).body.allowed_private_targets).toEqual(['127.0.0.1']);
    expect((await orgHook(farmA, '/a-still', adminA)).status).toBe(422);
  });

  it('bad entries are a 400 naming the field and the entry; nothing is changed', async () => {
    const response = await herald.request('PATCH', `/v1/orgs/${farmA}`, {
      allowed_private_targets: ['10.0.0.0/8', '10.0.0.0/33', 'bad host!', 'hooks.acme-farm.example'],
    });
    expect(response.status).toBe(400);
    // A host name is refused too: the organization runs its DNS and could point the name at loopback later.
    expect(response.body.errors).toEqual([
      { field: 'allowed_private_targets.1', message: "'10.0.0.0/33' is not a CIDR or an IP address" },
      { field: 'allowed_private_targets.2', message: "'bad host!' is not a CIDR or an IP address (host names are not accepted here)" },
      {
        field: 'allowed_private_targets.3',
        message: "'hooks.acme-farm.example' is not a CIDR or an IP address (host names are not accepted here)",
      },
    ]);
    expect((await herald.request('GET', `/v1/orgs/${farmA}`)).body.allowed_private_targets).toEqual([]);
  });

  it('once the system admin grants the organization the target: save, test send and delivery work', async () => {
    const grant = await herald.request('PATCH', `/v1/orgs/${farmA}`, { allowed_private_targets: ['127.0.0.1/32'] });
    expect(grant.status).toBe(200);
    expect(grant.body.allowed_private_targets).toEqual(['127.0.0.1/32']);
    const saved = await orgHook(farmA, '/a-granted', adminA);
    expect(saved.status).toBe(201);
    const test = await herald.request('POST', `/v1/orgs/${farmA}/webhooks/${saved.body.id}/test`, undefined, adminA);
    expect(test.status).toBe(200);
    const alertId = await postAlert(herald, { printer_id: 101, title: 'after the grant' });
    const deliveries = await deliveriesOnceSettled(herald, alertId);
    expect(deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
    expect(receiver.requestsFor('/a-granted').length).toBe(2); // the test send and the alert
  });

  it('revoking the grant stops deliveries at once, although connections to the receiver are open', async () => {
    const hooks = (await herald.request('GET', `/v1/orgs/${farmB}/webhooks`, undefined, adminB)).body.data as { id: string }[];
    const before = await postAlert(herald, { printer_id: 102, title: 'farm B before' });
    expect((await deliveriesOnceSettled(herald, before)).map((d: { status: string }) => d.status)).toEqual(['delivered']);
    expect((await herald.request('PATCH', `/v1/orgs/${farmB}`, { allowed_private_targets: [] })).status).toBe(200);
    const after = await postAlert(herald, { printer_id: 102, title: 'farm B after' });
    const deliveries = await deliveriesOnceSettled(herald, after);
    expect(deliveries).toEqual([expect.objectContaining({ webhook_id: hooks[0]?.id, status: 'failed' })]);
    expect(receiver.requestsFor('/b-save').map((r) => (r.json as { title: string }).title)).toEqual(['farm B before']);
  });
});
