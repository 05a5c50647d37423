import { createFernetCodec, decryptFernetToken, encryptFernetToken, FernetDecryptError, parseFernetKey } from '../src';
import type { FernetDecryptFailure } from '../src';
import spec from './fixtures/fernet-spec-vectors.json';
import python from './fixtures/python-cryptography-fernet.json';
import pythonLocal from './fixtures/python-cryptography-fernet-local-url.json';

const secondsOf = (isoDate: string): number => Date.parse(isoDate) / 1000;

function failureOf(run: () => unknown): FernetDecryptFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof FernetDecryptError) return error.reason;
    throw error;
  }
  throw new Error('expected decryption to fail');
}

describe('Fernet spec vectors (github.com/fernet/spec)', () => {
  it.each(spec.generate)('generate.json: encrypting "$src" gives $token', (vector) => {
    const token = encryptFernetToken(parseFernetKey(vector.secret), Buffer.from(vector.src), {
      timestampSeconds: secondsOf(vector.now),
      iv: Uint8Array.from(vector.iv),
    });
    expect(token).toBe(vector.token);
  });

  it.each(spec.verify)('verify.json: $token decrypts to "$src" within its TTL', (vector) => {
    const plaintext = decryptFernetToken(parseFernetKey(vector.secret), vector.token, {
      ttlSeconds: vector.ttl_sec,
      nowSeconds: secondsOf(vector.now),
    });
    expect(plaintext.toString('utf8')).toBe(vector.src);
  });

  const expectedReasons: Record<string, FernetDecryptFailure> = {
    'incorrect mac': 'bad-signature',
    'too short': 'malformed-token',
    'invalid base64': 'malformed-token',
    'payload size not multiple of block size': 'malformed-token',
    'payload padding error': 'bad-padding',
    'far-future TS (unacceptable clock skew)': 'from-the-future',
    'expired TTL': 'expired',
    'incorrect IV (causes padding error)': 'bad-padding',
    'trailing characters after b64 padding': 'malformed-token',
    'invalid characters in b64': 'malformed-token',
    'invalid non-urlsafe characters in b64': 'malformed-token',
  };

  it('covers every vector in invalid.json', () => {
    expect(spec.invalid.map((vector) => vector.desc).sort()).toEqual(Object.keys(expectedReasons).sort());
  });

  it.each(spec.invalid)('invalid.json: "$desc" is rejected', (vector) => {
    const reason = failureOf(() =>
      decryptFernetToken(parseFernetKey(vector.secret), vector.token, {
        ttlSeconds: vector.ttl_sec,
        nowSeconds: secondsOf(vector.now),
      }),
    );
    expect(reason).toBe(expectedReasons[vector.desc]);
  });

  it('accepts the "expired TTL" vector when no TTL is given (Herald keeps tokens for years)', () => {
    const expired = spec.invalid.find((vector) => vector.desc === 'expired TTL');
    if (expired === undefined) throw new Error('fixture lacks the expired TTL vector');
    expect(decryptFernetToken(parseFernetKey(expired.secret), expired.token).toString('utf8')).toBe('');
  });
});

describe('token made by Python cryptography', () => {
  const key = parseFernetKey(python.key);

  it('decrypts to the original plaintext', () => {
    expect(decryptFernetToken(key, python.token).toString('utf8')).toBe(python.plaintext);
  });

  it('is reproduced byte for byte from the same timestamp and IV', () => {
    // Fernet token bytes 9..25 are the IV; reuse Python's to check our encryption end to end.
    const iv = Buffer.from(python.token, 'base64url').subarray(9, 25);
    const token = encryptFernetToken(key, Buffer.from(python.plaintext, 'utf8'), {
      timestampSeconds: python.timestampSeconds,
      iv,
    });
    expect(token).toBe(python.token);
  });
});

describe('Python cryptography token of a local receiver URL (used by the end-to-end suite)', () => {
  it('decrypts with the codec built from the same key text', () => {
    const codec = createFernetCodec([pythonLocal.key]);
    expect(codec.decrypt(pythonLocal.token)).toBe(pythonLocal.plaintext);
    expect(codec.isEncryptedWithPrimary(pythonLocal.token)).toBe(true);
    expect(Buffer.from(pythonLocal.token, 'base64url').readBigUInt64BE(1)).toBe(BigInt(pythonLocal.timestampSeconds));
  });
});
