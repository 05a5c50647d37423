import { createFernetCodec, encryptFernetToken, FernetDecryptError, generateFernetKey, parseFernetKey } from '../src';
import type { FernetCodecOptions, FernetDecryptFailure } from '../src';
import spec from './fixtures/fernet-spec-vectors.json';

const OLD_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const NEW_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const WEBHOOK_URL = 'https://discord.com/api/webhooks/1234/secret-part';

const fixedClock =
  (iso: string): FernetCodecOptions['now'] =>
  () =>
    new Date(iso);
const zeroIv = (): Uint8Array => new Uint8Array(16);

function decryptFailure(run: () => unknown): FernetDecryptError {
  try {
    run();
  } catch (error) {
    if (error instanceof FernetDecryptError) return error;
    throw error;
  }
  throw new Error('expected decryption to fail');
}

function expectFailure(run: () => unknown, reason: FernetDecryptFailure): void {
  expect(decryptFailure(run).reason).toBe(reason);
}

/** Flip one bit of the decoded token at `index` (negative counts from the end) and re-encode. */
function tamper(token: string, index: number): string {
  const bytes = Buffer.from(token, 'base64url');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  const unpadded = bytes.toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

describe('createFernetCodec', () => {
  it('round-trips Unicode text', () => {
    const codec = createFernetCodec([generateFernetKey()]);
    const plain = 'https://hooks.slack.com/services/T000/B000/XXXX?name=Drucker ü 🖨️';
    expect(codec.decrypt(codec.encrypt(plain))).toBe(plain);
    expect(codec.decrypt(codec.encrypt(''))).toBe('');
  });

  it('uses a fresh random IV per token by default', () => {
    const codec = createFernetCodec([generateFernetKey()]);
    expect(codec.encrypt(WEBHOOK_URL)).not.toBe(codec.encrypt(WEBHOOK_URL));
  });

  it('is deterministic with an injected clock and IV source (reproduces the spec vector)', () => {
    const vector = spec.generate[0];
    if (vector === undefined) throw new Error('fixture lacks generate vectors');
    const codec = createFernetCodec([vector.secret], {
      now: fixedClock(vector.now),
      randomIv: () => Uint8Array.from(vector.iv),
    });
    expect(codec.encrypt(vector.src)).toBe(vector.token);
  });

  it('stamps tokens with the injected clock, in whole seconds', () => {
    const codec = createFernetCodec([NEW_KEY], { now: fixedClock('2030-01-02T03:04:05.999Z'), randomIv: zeroIv });
    const token = Buffer.from(codec.encrypt('x'), 'base64url');
    expect(token[0]).toBe(0x80);
    expect(Number(token.readBigUInt64BE(1))).toBe(Date.parse('2030-01-02T03:04:05Z') / 1000);
  });

  it('never expires tokens by default, however old', () => {
    const writer = createFernetCodec([NEW_KEY], { now: fixedClock('2001-01-01T00:00:00Z') });
    const reader = createFernetCodec([NEW_KEY], { now: fixedClock('2099-01-01T00:00:00Z') });
    expect(reader.decrypt(writer.encrypt(WEBHOOK_URL))).toBe(WEBHOOK_URL);
  });

  it('enforces an explicit TTL against the injected clock', () => {
    const token = createFernetCodec([NEW_KEY], { now: fixedClock('2026-01-01T00:00:00Z') }).encrypt(WEBHOOK_URL);
    const at = (iso: string) => createFernetCodec([NEW_KEY], { now: fixedClock(iso), ttlSeconds: 60 });
    expect(at('2026-01-01T00:01:00Z').decrypt(token)).toBe(WEBHOOK_URL);
    expectFailure(() => at('2026-01-01T00:01:01Z').decrypt(token), 'expired');
    expectFailure(() => at('2025-12-31T23:58:59Z').decrypt(token), 'from-the-future');
  });

  it('rejects an empty key list, a bad key (naming its position, not its text) and duplicates', () => {
    expect(() => createFernetCodec([])).toThrow('At least one Fernet key is required');
    expect(() => createFernetCodec([NEW_KEY, 'c2hvcnQ='])).toThrow(
      'Fernet key 2 of 2: Fernet key must be 32 bytes of URL-safe base64, got 5 bytes',
    );
    expect(() => createFernetCodec([NEW_KEY, OLD_KEY, NEW_KEY])).toThrow(
      `Fernet key ${parseFernetKey(NEW_KEY).keyId} is listed more than once`,
    );
  });
});

describe('MultiFernet key rotation', () => {
  const oldCodec = createFernetCodec([OLD_KEY]);
  const rotatedCodec = createFernetCodec([NEW_KEY, OLD_KEY]);
  const oldKeyId = parseFernetKey(OLD_KEY).keyId;
  const newKeyId = parseFernetKey(NEW_KEY).keyId;

  it('encrypts with the first key and reports it as primary', () => {
    expect(rotatedCodec.primaryKeyId).toBe(newKeyId);
    expect(rotatedCodec.keyIds).toEqual([newKeyId, oldKeyId]);
    const token = rotatedCodec.encrypt(WEBHOOK_URL);
    expect(rotatedCodec.keyIdOf(token)).toBe(newKeyId);
    expect(createFernetCodec([NEW_KEY]).decrypt(token)).toBe(WEBHOOK_URL);
    expectFailure(() => oldCodec.decrypt(token), 'bad-signature');
  });

  it('decrypts tokens made with any listed key', () => {
    const oldToken = oldCodec.encrypt(WEBHOOK_URL);
    expect(rotatedCodec.decrypt(oldToken)).toBe(WEBHOOK_URL);
    expect(rotatedCodec.keyIdOf(oldToken)).toBe(oldKeyId);
  });

  it('tells which tokens still need re-encryption, so a rotation run can resume', () => {
    const oldToken = oldCodec.encrypt(WEBHOOK_URL);
    const newToken = rotatedCodec.encrypt(WEBHOOK_URL);
    expect(rotatedCodec.isEncryptedWithPrimary(oldToken)).toBe(false);
    expect(rotatedCodec.isEncryptedWithPrimary(newToken)).toBe(true);
    expect(rotatedCodec.isEncryptedWithPrimary('not a token')).toBe(false);
    expect(rotatedCodec.keyIdOf('not a token')).toBeUndefined();
    expect(rotatedCodec.keyIdOf(createFernetCodec([generateFernetKey()]).encrypt('x'))).toBeUndefined();
  });

  it('rotate() re-encrypts with the primary key and keeps the original timestamp', () => {
    const oldToken = createFernetCodec([OLD_KEY], { now: fixedClock('2024-05-06T07:08:09Z') }).encrypt(WEBHOOK_URL);
    const rotated = rotatedCodec.rotate(oldToken);
    expect(rotatedCodec.isEncryptedWithPrimary(rotated)).toBe(true);
    expect(createFernetCodec([NEW_KEY]).decrypt(rotated)).toBe(WEBHOOK_URL);
    expect(Buffer.from(rotated, 'base64url').subarray(1, 9)).toEqual(Buffer.from(oldToken, 'base64url').subarray(1, 9));
  });

  it('keys dropped from the list no longer decrypt', () => {
    const oldToken = oldCodec.encrypt(WEBHOOK_URL);
    expectFailure(() => createFernetCodec([NEW_KEY]).decrypt(oldToken), 'bad-signature');
  });
});

describe('decryption failures', () => {
  const codec = createFernetCodec([NEW_KEY]);
  const token = codec.encrypt(WEBHOOK_URL);

  it.each([
    ['timestamp', 3],
    ['IV', 12],
    ['ciphertext', 30],
    ['HMAC', -1],
  ])('a flipped bit in the %s fails the HMAC check', (_part, index) => {
    expectFailure(() => codec.decrypt(tamper(token, index)), 'bad-signature');
  });

  it('a wrong version byte is rejected', () => {
    expectFailure(() => codec.decrypt(tamper(token, 0)), 'unsupported-version');
  });

  it('a wrong key fails', () => {
    expectFailure(() => createFernetCodec([generateFernetKey()]).decrypt(token), 'bad-signature');
  });

  it.each([
    ['cut to its header', token.slice(0, 36)],
    ['missing its last characters', token.slice(0, -4)],
    ['empty', ''],
  ])('a token %s is malformed', (_label, truncated) => {
    expectFailure(() => codec.decrypt(truncated), 'malformed-token');
  });

  it('a token whose plaintext is not UTF-8 is rejected', () => {
    const binary = encryptFernetToken(parseFernetKey(NEW_KEY), Buffer.from([0xff, 0xfe, 0x00]), {
      timestampSeconds: 0,
      iv: zeroIv(),
    });
    expectFailure(() => codec.decrypt(binary), 'not-utf8');
  });

  it('error messages never contain the token or any key', () => {
    const failures = [
      decryptFailure(() => codec.decrypt(tamper(token, 30))),
      decryptFailure(() => codec.decrypt(token.slice(0, -4))),
      decryptFailure(() => createFernetCodec([OLD_KEY]).decrypt(token)),
    ];
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      expect(failure.name).toBe('FernetDecryptError');
      expect(failure.message).toMatch(/^Fernet decryption failed: /);
      for (const secret of [token, token.slice(0, 20), NEW_KEY, OLD_KEY, WEBHOOK_URL]) {
        expect(failure.message).not.toContain(secret);
        expect(String(failure.stack)).not.toContain(secret);
      }
    }
  });
});
