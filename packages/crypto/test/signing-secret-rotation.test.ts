import { createFernetCodec, generateFernetKey, rotateSigningSecret, signWebhook, verifyWebhook, WebhookVerificationError } from '../src';

const codec = createFernetCodec([generateFernetKey()]);
const NOW = new Date('2026-03-01T12:00:00Z');

describe('rotateSigningSecret', () => {
  it('stores a new encrypted secret and keeps the old one signing for 24 hours', () => {
    const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const rotation = rotateSigningSecret({ signingSecretEncrypted: codec.encrypt(oldSecret) }, codec, { now: NOW });

    expect(rotation.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotation.secret).not.toBe(oldSecret);
    expect(codec.decrypt(rotation.data.signingSecretEncrypted)).toBe(rotation.secret);
    expect(rotation.data.signingSecretEncrypted).not.toContain(rotation.secret.slice(6));
    expect(codec.decrypt(rotation.data.previousSigningSecretEncrypted ?? '')).toBe(oldSecret);
    expect(rotation.data.previousSecretExpiresAt).toEqual(new Date('2026-03-02T12:00:00Z'));
  });

  it('during the overlap a message signed with both secrets verifies with either, afterwards only with the new one', () => {
    const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { secret, data } = rotateSigningSecret({ signingSecretEncrypted: codec.encrypt(oldSecret) }, codec, { now: NOW });
    const message = { id: 'msg_1', timestampSeconds: NOW.getTime() / 1000, body: '{"type":"print_failed"}' };
    // What the worker does while previousSecretExpiresAt is in the future: sign with both.
    const signature = signWebhook({
      ...message,
      secrets: [codec.decrypt(data.signingSecretEncrypted), codec.decrypt(data.previousSigningSecretEncrypted ?? '')],
    });
    const headers = { 'webhook-id': message.id, 'webhook-timestamp': String(message.timestampSeconds), 'webhook-signature': signature };
    for (const receiverSecret of [oldSecret, secret]) {
      expect(() =>
        verifyWebhook({ headers, body: message.body, secret: receiverSecret, nowSeconds: message.timestampSeconds }),
      ).not.toThrow();
    }
    const afterOverlap = signWebhook({ ...message, secrets: [secret] });
    expect(() =>
      verifyWebhook({
        headers: { ...headers, 'webhook-signature': afterOverlap },
        body: message.body,
        secret: oldSecret,
        nowSeconds: message.timestampSeconds,
      }),
    ).toThrow(WebhookVerificationError);
  });

  it('a webhook without a secret gets one with nothing to overlap', () => {
    const rotation = rotateSigningSecret({ signingSecretEncrypted: null }, codec, { now: NOW, generateSecret: () => 'whsec_AAAA' });
    expect(rotation.secret).toBe('whsec_AAAA');
    expect(rotation.data).toEqual({
      signingSecretEncrypted: expect.any(String),
      previousSigningSecretEncrypted: null,
      previousSecretExpiresAt: null,
    });
  });

  it('rotating again drops the oldest secret and restarts the overlap', () => {
    const first = rotateSigningSecret({ signingSecretEncrypted: codec.encrypt('whsec_AAAA') }, codec, { now: NOW });
    const later = new Date(NOW.getTime() + 3_600_000);
    const second = rotateSigningSecret(first.data, codec, { now: later, overlapMs: 60_000 });
    expect(codec.decrypt(second.data.previousSigningSecretEncrypted ?? '')).toBe(first.secret);
    expect(second.data.previousSecretExpiresAt).toEqual(new Date(later.getTime() + 60_000));
  });
});
