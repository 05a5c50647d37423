import { verifyWebhook } from '@herald/crypto';
import { createOrg, deliveriesOnceSettled, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/**
 * An organization's single "Webhook URL" setting (PUT /v1/orgs/:id/settings) as a print-farm
 * manager uses it: pasting a new URL over the old one makes the webhook what that URL is.
 */
let herald: Harness;
let receiver: WebhookReceiver;
let orgId: number;

const DISCORD_URL = 'https://discord.com/api/webhooks/123456789012345678/discord-token-abcd';
const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/slack-token-wxyz';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness();
  orgId = await createOrg(herald, 'Settings Farm', true);
  expect((await herald.request('PUT', '/v1/printers/31', { name: 'S-1', org_id: orgId })).status).toBe(200);
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

const putSetting = (body: Record<string, unknown>) => herald.request('PUT', `/v1/orgs/${orgId}/settings`, body);

describe('PUT /v1/orgs/:id/settings', () => {
  test('a new URL without webhook_type gets the type of that URL, as a new setting would', async () => {
    const discord = await putSetting({ webhook_url: DISCORD_URL });
    expect(discord).toMatchObject({ status: 200, body: { webhook: { type: 'discord', signed: false } } });
    const webhookId = discord.body.webhook.id as string;

    const slack = await putSetting({ webhook_url: SLACK_URL });
    expect(slack).toMatchObject({ status: 200, body: { webhook: { id: webhookId, type: 'slack', signed: false } } });

    // Anything else is generic, and a generic webhook is signed.
    const generic = await putSetting({ webhook_url: receiver.url('/setting/generic-token') });
    expect(generic).toMatchObject({ status: 200, body: { webhook: { id: webhookId, type: 'generic', signed: true } } });
  });

  test('the same URL again keeps the type chosen for it; an explicit webhook_type always wins', async () => {
    const chosen = await putSetting({ webhook_url: DISCORD_URL, webhook_type: 'generic' });
    expect(chosen).toMatchObject({ status: 200, body: { webhook: { type: 'generic' } } });
    expect(await putSetting({ webhook_url: DISCORD_URL })).toMatchObject({ status: 200, body: { webhook: { type: 'generic' } } });
    expect(await putSetting({ webhook_url: SLACK_URL, webhook_type: 'discord' })).toMatchObject({
      status: 200,
      body: { webhook: { type: 'discord' } },
    });
  });

  test("alerts go out in the new URL's format, signed when it became generic", async () => {
    expect((await putSetting({ webhook_url: DISCORD_URL })).body.webhook.type).toBe('discord');
    const setting = await putSetting({ webhook_url: receiver.url('/setting/now-generic') });
    expect(setting.body.webhook).toMatchObject({ type: 'generic', signed: true });
    // The secret is shown by a rotation (the setting's answer never shows one); both sign for a day.
    const rotated = await herald.request('POST', `/v1/orgs/${orgId}/webhooks/${setting.body.webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);

    const alertId = await postAlert(herald, { printer_id: 31, title: 'Nozzle clog' });
    const deliveries = await deliveriesOnceSettled(herald, alertId);
    expect(deliveries.find((d) => d.webhook_id === setting.body.webhook.id)?.status).toBe('delivered');
    const [request] = receiver.requestsFor('/setting/now-generic');
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ title: 'Nozzle clog', printer_id: 31 });
    expect(() =>
      verifyWebhook({
        headers: request?.headers as Record<string, string>,
        body: request?.body ?? '',
        secret: rotated.body.signing_secret,
      }),
    ).not.toThrow();
  });

  test('a setting whose saved URL no key opens any more is mended by a new URL', async () => {
    const setting = await putSetting({ webhook_url: DISCORD_URL });
    expect(setting.status).toBe(200);
    // As after the key that encrypted it was dropped: key rotation disables such a webhook.
    await herald.database.prisma.webhook.update({
      where: { id: setting.body.webhook.id },
      data: { urlEncrypted: 'gAAAAAB-no-key-opens-this', disabledReason: 'undecryptable', disabledAt: new Date() },
    });
    const mended = await putSetting({ webhook_url: SLACK_URL });
    expect(mended).toMatchObject({ status: 200, body: { webhook: { type: 'slack', disabled_reason: null } } });
  });

  test('a refused URL is reported under webhook_url, the field the body has', async () => {
    for (const webhookUrl of ['ftp://hooks.example.com/x', 'https://169.254.169.254/latest', 'not a url']) {
      const response = await putSetting({ webhook_url: webhookUrl });
      expect({ webhookUrl, status: response.status, errors: response.body.errors }).toEqual({
        webhookUrl,
        status: 422,
        errors: [{ field: 'webhook_url', message: expect.any(String) }],
      });
      expect(response.body.message).toMatch(/^webhook_url: /);
    }
  });
});
