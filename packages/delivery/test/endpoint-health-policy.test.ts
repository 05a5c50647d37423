import { failingReason, renderNotice, shouldDisableForHealth, webhookDisabledNotice } from '@herald/delivery';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const policy = { failureThreshold: 50, windowMs: 24 * HOUR };

test('disables only after N failures spanning at least T', () => {
  expect(shouldDisableForHealth({ consecutiveFailures: 49, firstFailureAtMs: T0 }, policy, T0 + 48 * HOUR)).toBe(false);
  expect(shouldDisableForHealth({ consecutiveFailures: 500, firstFailureAtMs: T0 }, policy, T0 + 23 * HOUR)).toBe(false);
  expect(shouldDisableForHealth({ consecutiveFailures: 50, firstFailureAtMs: T0 }, policy, T0 + 24 * HOUR)).toBe(true);
});

test('the reason says how many and since when', () => {
  expect(failingReason({ consecutiveFailures: 50, firstFailureAtMs: T0 })).toBe(
    'failing: 50 consecutive failed deliveries since 2026-03-01T00:00:00.000Z',
  );
});

describe('the webhook_disabled notice', () => {
  const notice = webhookDisabledNotice(
    { id: '0190e0a0-0000-7000-8000-000000000001', name: 'Farm <b>*ops*</b>', type: 'discord', orgId: 4 },
    'gone',
    T0,
  );

  test('generic receivers get the notice itself', () => {
    expect(renderNotice(notice, 'generic')).toEqual({
      type: 'webhook_disabled',
      webhook_id: '0190e0a0-0000-7000-8000-000000000001',
      name: 'Farm <b>*ops*</b>',
      webhook_type: 'discord',
      org_id: 4,
      reason: 'gone',
      timestamp: T0 / 1000,
    });
  });

  test('Discord and Slack receivers get a message they accept, escaped like alerts', () => {
    const discord = renderNotice(notice, 'discord') as { embeds: { title: string; description: string }[] };
    expect(discord.embeds[0]?.title).toContain('Farm \\<b>*ops*\\</b>');
    expect(discord.embeds[0]?.description).toContain('Reason: gone');
    const slack = renderNotice(notice, 'slack') as { text: string; blocks: { text: { text: string } }[] };
    expect(slack.blocks[0]?.text.text).toContain('&lt;b&gt;');
    expect(slack.blocks[0]?.text.text).not.toContain('*ops*');
  });
});
