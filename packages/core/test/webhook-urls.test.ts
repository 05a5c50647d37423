import { inferWebhookType, maskWebhookUrl, matchesAlertTypeFilter } from '../src';

describe('maskWebhookUrl', () => {
  it.each([
    [
      'a Discord webhook',
      'https://discord.com/api/webhooks/123456789012345678/aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789wxyz',
      'https://discord.com/…/••••wxyz',
    ],
    ['a Slack webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXabcd', 'https://…slack.com/…/••••abcd'],
    ['a generic webhook with a port', 'http://hooks.example.com:8443/herald/inbound/0123456789', 'http://…example.com:8443/…/••••6789'],
    ['a secret subdomain', 'https://eo1a2b3c4d5e6f7g8h.m.pipedream.net/alerts/herald-abcd', 'https://…pipedream.net/…/••••abcd'],
    ['an IPv4 literal', 'http://192.168.10.20:8080/hooks/herald-0123', 'http://192.168.10.20:8080/…/••••0123'],
    ['an IPv4 literal in another notation', 'http://0xc0.0xa8.0x0a.0x14/hooks/herald-0123', 'http://192.168.10.20/…/••••0123'],
    ['an IPv6 literal', 'https://[2001:db8::1]:8443/hooks/herald-0123', 'https://[2001:db8::1]:8443/…/••••0123'],
    ['a host with a trailing dot', 'https://a.b.example.com./hooks/herald-0123', 'https://…example.com/…/••••0123'],
    ['a trailing slash', 'https://example.com/webhooks/abcdefgh1234/', 'https://example.com/…/••••1234'],
    ['a short path', 'https://example.com/hook/ab12', 'https://example.com/…/••••'],
    ['no path', 'https://example.com', 'https://example.com/…/••••'],
    ['a host in capitals', 'HTTPS://Example.COM/abcdefghijkl', 'https://example.com/…/••••ijkl'],
  ])('masks %s', (_name, url, masked) => {
    expect(maskWebhookUrl(url)).toBe(masked);
  });

  it.each([
    ['an IPv4 loopback with a port', 'http://127.0.0.1:9/x', 'http://127.0.0.1:9/…/••••'],
    ['localhost', 'http://localhost:8080/hook', 'http://localhost:8080/…/••••'],
    ['an IPv6 loopback', 'http://[::1]:9/abc', 'http://[::1]:9/…/••••'],
    ['a LAN name', 'http://printer-hub.lan/in', 'http://printer-hub.lan/…/••••'],
    ['an 11-character path', 'http://127.0.0.1:9/abcdefghijk', 'http://127.0.0.1:9/…/••••'],
  ])("shows a short URL's scheme and host but none of its path: %s", (_name, url, masked) => {
    expect(maskWebhookUrl(url)).toBe(masked);
  });

  it('shows the last four characters from a 12-character path on', () => {
    expect(maskWebhookUrl('http://127.0.0.1:9/abcdefghijkl')).toBe('http://127.0.0.1:9/…/••••ijkl');
  });

  it('never shows the query string', () => {
    const masked = maskWebhookUrl('https://example.com/inbound/alerts-endpoint?token=s3cr3tvalue&sig=abcd');
    expect(masked).toBe('https://example.com/…/••••oint');
    expect(masked).not.toMatch(/s3cr3t|token|sig/);
  });

  it('never shows user info', () => {
    const masked = maskWebhookUrl('https://admin:hunter2@example.com/inbound/alerts-endpoint');
    expect(masked).toBe('https://example.com/…/••••oint');
    expect(masked).not.toMatch(/admin|hunter2/);
  });

  it('never shows the fragment', () => {
    expect(maskWebhookUrl('https://example.com/inbound/alerts-endpoint#key=abc')).toBe('https://example.com/…/••••oint');
  });

  it('never shows host labels but the last two', () => {
    const masked = maskWebhookUrl('https://s3cr3t-token.hooks.pipedream.net/alerts');
    expect(masked).toBe('https://…pipedream.net/…/••••');
    expect(masked).not.toMatch(/s3cr3t|hooks/);
  });

  it('shows nothing of a URL it cannot parse', () => {
    expect(maskWebhookUrl('not a url with secret-token-123')).toBe('••••');
  });
});

describe('inferWebhookType', () => {
  it.each([
    ['https://discord.com/api/webhooks/1/abc', 'discord'],
    ['https://discordapp.com/api/webhooks/1/abc', 'discord'],
    ['https://ptb.discord.com/api/webhooks/1/abc', 'discord'],
    ['https://canary.discord.com/api/webhooks/1/abc', 'discord'],
    ['https://canary.discordapp.com/api/webhooks/1/abc', 'discord'],
    ['https://discord.com/api/v10/webhooks/1/abc', 'discord'],
    ['https://DISCORD.COM/api/webhooks/1/abc', 'discord'],
    ['https://discord.com/channels/1/2', 'generic'],
    ['https://discord.com.evil.example/api/webhooks/1/abc', 'generic'],
    ['https://evil.example/api/webhooks/1/abc?discord.com', 'generic'],
    ['https://hooks.slack.com/services/T000/B000/XXXX', 'slack'],
    ['https://hooks.slack.com.evil.example/services/T000', 'generic'],
    ['https://slack.com/api/chat.postMessage', 'generic'],
    ['https://n8n.example.com/webhook/herald', 'generic'],
    ['not a url', 'generic'],
  ])('%s is %s', (url, type) => {
    expect(inferWebhookType(url)).toBe(type);
  });
});

describe('matchesAlertTypeFilter', () => {
  it('takes every type when the filter is empty', () => {
    expect(matchesAlertTypeFilter([], 'print_complete')).toBe(true);
    expect(matchesAlertTypeFilter([], 'spaghetti_detected')).toBe(true);
  });

  it('takes only the listed types otherwise', () => {
    expect(matchesAlertTypeFilter(['print_failed', 'spaghetti_detected'], 'spaghetti_detected')).toBe(true);
    expect(matchesAlertTypeFilter(['print_failed', 'spaghetti_detected'], 'print_complete')).toBe(false);
  });
});
