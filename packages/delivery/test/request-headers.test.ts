import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '@herald/crypto';
import { buildRequestHeaders } from '@herald/sender';

const target = { requestUrl: 'https://example.com/hook', address: {}, headers: {} };

describe('request headers', () => {
  it('a generic webhook is signed so the standardwebhooks package verifies it, for worst-case bodies', () => {
    const secret = generateWebhookSecret();
    const nowMs = Date.now();
    for (const body of ['{}', JSON.stringify({ title: '*_~`|[]()<>&\\ \u{1F525} 完了 "q"\n'.repeat(500) })]) {
      const headers = buildRequestHeaders({ type: 'generic', signingSecrets: [secret], headers: {}, target }, 'dlv_1', body, nowMs);
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    }
  });

  it("the webhook's own headers are sent, but never over Herald's delivery id, timestamp, signature or content type", () => {
    const secret = generateWebhookSecret();
    const headers = buildRequestHeaders(
      {
        type: 'generic',
        signingSecrets: [secret],
        headers: { authorization: 'Bearer tk_1', 'webhook-id': 'forged', 'content-type': 'text/plain', 'webhook-signature': 'v1,forged' },
        target,
      },
      'dlv_2',
      '{}',
      Date.now(),
    );
    expect(headers).toMatchObject({ authorization: 'Bearer tk_1', 'webhook-id': 'dlv_2', 'content-type': 'application/json' });
    expect(headers['webhook-signature']).not.toContain('forged');
    expect(new Webhook(secret).verify('{}', headers)).toEqual({});
  });

  it("the channel's own header (WhatsApp's bearer token) wins over a webhook header of the same name", () => {
    const headers = buildRequestHeaders(
      {
        type: 'whatsapp',
        signingSecrets: [],
        headers: { authorization: 'Bearer other' },
        target: { ...target, headers: { authorization: 'Bearer EAAG' } },
      },
      'dlv_3',
      '{}',
      Date.now(),
    );
    expect(headers['authorization']).toBe('Bearer EAAG');
  });

  it('an unsigned webhook carries no signature, even one stored among its headers', () => {
    const headers = buildRequestHeaders(
      { type: 'discord', signingSecrets: [], headers: { 'webhook-signature': 'v1,forged', Host: 'evil.example' }, target },
      'dlv_4',
      '{}',
      Date.now(),
    );
    expect(headers['webhook-signature']).toBeUndefined();
    expect(headers['Host']).toBeUndefined();
  });
});
