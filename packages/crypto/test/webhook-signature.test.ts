import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError } from '../src';
import type { VerifyWebhookInput, WebhookVerificationFailure } from '../src';
import vector from './fixtures/standard-webhooks-vector.json';

const NOW = 1_767_225_600;
const BODY = '{"event":"print.failed","printer":"Prusa MK4 #3"}';

function failureOf(input: VerifyWebhookInput): WebhookVerificationError {
  try {
    verifyWebhook(input);
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected verification to fail');
}

function signedRequest(secrets: string[], timestampSeconds = NOW) {
  return {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook({ id: 'msg_1', timestampSeconds, body: BODY, secrets }),
  };
}

describe('Standard Webhooks reference vector', () => {
  it("signWebhook reproduces the reference libraries' signature", () => {
    expect(
      signWebhook({
        id: vector.msgId,
        timestampSeconds: vector.timestampSeconds,
        body: vector.payload,
        secrets: [vector.secret],
      }),
    ).toBe(vector.signature);
  });

  it('verifyWebhook accepts the reference message at its own time', () => {
    expect(() =>
      verifyWebhook({
        headers: {
          'webhook-id': vector.msgId,
          'webhook-timestamp': String(vector.timestampSeconds),
          'webhook-signature': vector.signature,
        },
        body: vector.payload,
        secret: vector.secret,
        nowSeconds: vector.timestampSeconds,
      }),
    ).not.toThrow();
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ followed by base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signWebhook', () => {
  it('signs `${id}.${timestamp}.${body}` with HMAC-SHA256 keyed by the decoded secret', () => {
    const secret = generateWebhookSecret();
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`msg_1.${NOW}.${BODY}`)
      .digest('base64');
    expect(signWebhook({ id: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: [secret] })).toBe(`v1,${expected}`);
  });

  it('emits one space-separated signature per secret, in order', () => {
    const [first, second] = [generateWebhookSecret(), generateWebhookSecret()];
    const one = (secret: string) => signWebhook({ id: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: [secret] });
    expect(signWebhook({ id: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: [first, second] })).toBe(`${one(first)} ${one(second)}`);
  });

  it('refuses to sign without a secret or with a malformed one, without echoing it', () => {
    expect(() => signWebhook({ id: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: [] })).toThrow(
      'At least one webhook secret is required',
    );
    expect(() => signWebhook({ id: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: ['whsec_not base64!'] })).toThrow(
      /^Webhook secret must be "whsec_" followed by non-empty standard base64$/,
    );
    expect(() => signWebhook({ id: 'msg_1', timestampSeconds: 1.5, body: BODY, secrets: [generateWebhookSecret()] })).toThrow(RangeError);
  });
});

describe('verifyWebhook', () => {
  const secret = generateWebhookSecret();

  it('accepts a correctly signed request, with header names in any case', () => {
    const headers = signedRequest([secret]);
    expect(() => verifyWebhook({ headers, body: BODY, secret, nowSeconds: NOW })).not.toThrow();
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(() => verifyWebhook({ headers: shouted, body: BODY, secret, nowSeconds: NOW })).not.toThrow();
  });

  it('accepts header values given as arrays (repeated headers)', () => {
    const headers = signedRequest([secret]);
    const asArrays = { ...headers, 'webhook-signature': ['v1,bm90LWl0', headers['webhook-signature']] };
    expect(() => verifyWebhook({ headers: asArrays, body: BODY, secret, nowSeconds: NOW })).not.toThrow();
  });

  it('during rotation, a request signed with old and new secrets verifies with either', () => {
    const next = generateWebhookSecret();
    const headers = signedRequest([next, secret]);
    expect(() => verifyWebhook({ headers, body: BODY, secret, nowSeconds: NOW })).not.toThrow();
    expect(() => verifyWebhook({ headers, body: BODY, secret: next, nowSeconds: NOW })).not.toThrow();
    expect(failureOf({ headers, body: BODY, secret: generateWebhookSecret(), nowSeconds: NOW }).reason).toBe('no-matching-signature');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a request without %s', (name) => {
    const headers: Record<string, string | undefined> = { ...signedRequest([secret]), [name]: undefined };
    expect(failureOf({ headers, body: BODY, secret, nowSeconds: NOW }).reason).toBe('missing-headers');
  });

  it('rejects a non-numeric timestamp', () => {
    const headers = { ...signedRequest([secret]), 'webhook-timestamp': '2026-01-01T00:00:00Z' };
    expect(failureOf({ headers, body: BODY, secret, nowSeconds: NOW }).reason).toBe('invalid-timestamp');
  });

  it.each<[string, number, number | undefined, WebhookVerificationFailure | undefined]>([
    ['exactly 300 s old, default tolerance', NOW - 300, undefined, undefined],
    ['301 s old, default tolerance', NOW - 301, undefined, 'timestamp-too-old'],
    ['exactly 300 s ahead, default tolerance', NOW + 300, undefined, undefined],
    ['301 s ahead, default tolerance', NOW + 301, undefined, 'timestamp-too-new'],
    ['31 s old with a 30 s tolerance', NOW - 31, 30, 'timestamp-too-old'],
    ['an hour old with a 2 h tolerance', NOW - 3600, 7200, undefined],
  ])('timestamp %s', (_label, timestampSeconds, toleranceSeconds, expected) => {
    const input: VerifyWebhookInput = {
      headers: signedRequest([secret], timestampSeconds),
      body: BODY,
      secret,
      nowSeconds: NOW,
      ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
    };
    if (expected === undefined) expect(() => verifyWebhook(input)).not.toThrow();
    else expect(failureOf(input).reason).toBe(expected);
  });

  it('rejects a body changed after signing', () => {
    const headers = signedRequest([secret]);
    expect(failureOf({ headers, body: BODY.replace('#3', '#4'), secret, nowSeconds: NOW }).reason).toBe('no-matching-signature');
  });

  it('rejects a replayed signature under a different id or timestamp', () => {
    const headers = signedRequest([secret]);
    const otherId = { ...headers, 'webhook-id': 'msg_2' };
    const otherTime = { ...headers, 'webhook-timestamp': String(NOW + 1) };
    expect(failureOf({ headers: otherId, body: BODY, secret, nowSeconds: NOW }).reason).toBe('no-matching-signature');
    expect(failureOf({ headers: otherTime, body: BODY, secret, nowSeconds: NOW }).reason).toBe('no-matching-signature');
  });

  it('ignores signatures of other versions and truncated signatures', () => {
    const valid = signedRequest([secret])['webhook-signature'];
    const signature = valid.slice('v1,'.length);
    for (const header of [`v2,${signature}`, valid.slice(0, 8), 'v1,', `v1,${signature.slice(0, -2)}`, signature]) {
      const headers = { ...signedRequest([secret]), 'webhook-signature': header };
      expect(failureOf({ headers, body: BODY, secret, nowSeconds: NOW }).reason).toBe('no-matching-signature');
    }
  });

  it('accepts the secret with or without its whsec_ prefix, like the reference libraries', () => {
    const headers = signedRequest([secret]);
    expect(() => verifyWebhook({ headers, body: BODY, secret: secret.slice(6), nowSeconds: NOW })).not.toThrow();
  });

  it('error messages name the reason but never the secret or signature', () => {
    const headers = signedRequest([secret]);
    const failure = failureOf({ headers, body: 'tampered', secret, nowSeconds: NOW });
    expect(failure.name).toBe('WebhookVerificationError');
    expect(failure.message).toBe('Webhook verification failed: no signature in webhook-signature matches');
    expect(failure.message).not.toContain(secret.slice(6));
    expect(failure.message).not.toContain(headers['webhook-signature'].slice(3));
  });
});
