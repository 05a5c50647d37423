import { inspect } from 'node:util';
import { generateFernetKey, parseFernetKey } from '../src';

const KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

describe('parseFernetKey', () => {
  it('splits the 32 bytes into signing (first 16) and encryption (last 16) keys', () => {
    const bytes = Buffer.from(KEY, 'base64url');
    const key = parseFernetKey(KEY);
    expect(key.signingKey.equals(bytes.subarray(0, 16))).toBe(true);
    expect(key.encryptionKey.equals(bytes.subarray(16))).toBe(true);
  });

  it('accepts the key without padding and with surrounding whitespace (as read from an env file)', () => {
    const expected = parseFernetKey(KEY).keyId;
    expect(parseFernetKey(KEY.replace(/=$/, '')).keyId).toBe(expected);
    expect(parseFernetKey(`  ${KEY}\n`).keyId).toBe(expected);
  });

  it('gives a 12-hex-digit keyId: SHA-256 of "herald-key-id:" + key bytes (value computed with Python hashlib)', () => {
    const key = parseFernetKey(KEY);
    expect(key.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(key.keyId).toBe('29b250d511b1');
    expect(parseFernetKey(generateFernetKey()).keyId).not.toBe(key.keyId);
  });

  it.each([
    ['16 bytes', Buffer.alloc(16, 7).toString('base64url'), 'got 16 bytes'],
    ['33 bytes', Buffer.alloc(33, 7).toString('base64url'), 'got 33 bytes'],
    ['empty text', '', 'got 0 bytes'],
  ])('rejects %s, saying how many bytes it got', (_label, text, detail) => {
    expect(() => parseFernetKey(text)).toThrow(`Fernet key must be 32 bytes of URL-safe base64, ${detail}`);
  });

  it('rejects standard-alphabet and garbage text without echoing it', () => {
    const standardAlphabet = Buffer.alloc(32, 0xfb).toString('base64'); // contains '+' and '/'
    for (const text of [standardAlphabet, 'not a key at all!', `${KEY}trailing`]) {
      let message = '';
      try {
        parseFernetKey(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Fernet key must be 32 bytes of URL-safe base64/);
      expect(message).not.toContain(text);
    }
  });

  it('shows only the keyId when logged or serialised', () => {
    const key = parseFernetKey(KEY);
    const hexKey = Buffer.from(KEY, 'base64url').toString('hex');
    expect(JSON.stringify({ key })).toBe(`{"key":{"keyId":"${key.keyId}"}}`);
    expect(inspect(key)).toContain(key.keyId);
    expect(inspect(key)).not.toContain(hexKey.slice(0, 8));
  });
});

describe('generateFernetKey', () => {
  it('returns a fresh 32-byte URL-safe base64 key with padding', () => {
    const text = generateFernetKey();
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(text, 'base64url')).toHaveLength(32);
    expect(generateFernetKey()).not.toBe(text);
  });
});
