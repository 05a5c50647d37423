import { createOrg, createToken } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';

jest.setTimeout(60_000);

describe('webhooks per organization are capped (HERALD_MAX_WEBHOOKS_PER_ORG)', () => {
  let herald: Harness;

  beforeAll(async () => {
    herald = await startHarness({ worker: false, env: { HERALD_MAX_WEBHOOKS_PER_ORG: '3' } });
  });

  afterAll(async () => {
    await herald?.close();
  });

  it('an org admin creating webhooks at once gets exactly the cap, the rest a 409 naming the limit', async () => {
    const orgId = await createOrg(herald, 'Busy farm');
    const orgAdmin = (await createToken(herald, { name: 'farm admin', role: 'org_admin', org_id: orgId })).secret;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        herald.request(
          'POST',
          `/v1/orgs/${orgId}/webhooks`,
          { name: `hook ${i}`, url: `http://127.0.0.1:9999/hook?n=${i}`, type: 'generic' },
          orgAdmin,
        ),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => a.status)).toEqual(Array(9).fill(409));
    expect(refused[0]?.body.message).toContain('maximum of 3 webhooks (HERALD_MAX_WEBHOOKS_PER_ORG)');
    expect(await herald.database.prisma.webhook.count({ where: { orgId } })).toBe(3);
    // The organization setting's webhook counts too.
    const setting = await herald.request('PUT', `/v1/orgs/${orgId}/settings`, { webhook_url: 'http://127.0.0.1:9999/setting' }, orgAdmin);
    expect(setting.status).toBe(409);
    // Another organization and the operator's system webhooks are not affected.
    const other = await createOrg(herald, 'Quiet farm');
    expect(
      (await herald.request('POST', `/v1/orgs/${other}/webhooks`, { name: 'x', url: 'http://127.0.0.1:9999/x', type: 'generic' })).status,
    ).toBe(201);
    for (let i = 0; i < 4; i += 1) {
      expect(
        (await herald.request('POST', '/v1/webhooks', { name: `sys ${i}`, url: `http://127.0.0.1:9999/s${i}`, type: 'generic' })).status,
      ).toBe(201);
    }
  });
});
