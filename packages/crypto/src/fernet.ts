import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64UrlStrict, encodeBase64UrlPadded } from './base64';
import type { FernetKey } from './fernet-key';

// Token layout (https://github.com/fernet/spec/blob/master/Spec.md):
// version (1) | timestamp (8, big-endian seconds) | IV (16) | AES-128-CBC ciphertext (n*16) | HMAC-SHA256 (32)
const VERSION = 0x80;
const TIMESTAMP_OFFSET = 1;
const IV_OFFSET = 9;
const CIPHERTEXT_OFFSET = 25;
const IV_LENGTH = 16;
const BLOCK_LENGTH = 16;
const HMAC_LENGTH = 32;
const MIN_TOKEN_LENGTH = CIPHERTEXT_OFFSET + BLOCK_LENGTH + HMAC_LENGTH;
// Same allowance as the reference implementations, only enforced together with a TTL.
const MAX_CLOCK_SKEW_SECONDS = 60;

export type FernetDecryptFailure =
  'malformed-token' | 'unsupported-version' | 'bad-signature' | 'bad-padding' | 'expired' | 'from-the-future' | 'not-utf8';

const FAILURE_TEXT: Record<FernetDecryptFailure, string> = {
  'malformed-token': 'the token is not a well-formed Fernet token',
  'unsupported-version': 'the token has an unsupported version byte',
  'bad-signature': 'no configured key authenticates the token',
  'bad-padding': 'the decrypted data has invalid padding',
  expired: 'the token is older than the allowed TTL',
  'from-the-future': 'the token timestamp is too far in the future',
  'not-utf8': 'the plaintext is not valid UTF-8',
};

/** Decryption failed. The message names the reason only; it never contains the token or a key. */
export class FernetDecryptError extends Error {
  constructor(readonly reason: FernetDecryptFailure) {
    super(`Fernet decryption failed: ${FAILURE_TEXT[reason]}`);
    this.name = 'FernetDecryptError';
  }
}

/** A token split into its fields; nothing is authenticated yet. */
export interface FernetTokenParts {
  readonly timestampSeconds: number;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  /** version..ciphertext, the bytes the HMAC covers */
  readonly signedBytes: Buffer;
  readonly hmac: Buffer;
}

function hmacOf(key: FernetKey, signedBytes: Buffer): Buffer {
  return createHmac('sha256', key.signingKey).update(signedBytes).digest();
}

export interface FernetEncryptInput {
  readonly timestampSeconds: number;
  /** 16 bytes; must be random for every token outside tests */
  readonly iv: Uint8Array;
}

/** Encrypts `plaintext` into a Fernet token with an explicit timestamp and IV. */
export function encryptFernetToken(key: FernetKey, plaintext: Uint8Array, input: FernetEncryptInput): string {
  const { timestampSeconds, iv } = input;
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('Fernet timestamp must be a non-negative whole number of seconds');
  }
  if (iv.length !== IV_LENGTH) {
    throw new RangeError(`Fernet IV must be ${IV_LENGTH} bytes, got ${iv.length}`);
  }
  const header = Buffer.alloc(CIPHERTEXT_OFFSET);
  header.writeUInt8(VERSION, 0);
  header.writeBigUInt64BE(BigInt(timestampSeconds), TIMESTAMP_OFFSET);
  header.set(iv, IV_OFFSET);
  const cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const signedBytes = Buffer.concat([header, ciphertext]);
  return encodeBase64UrlPadded(Buffer.concat([signedBytes, hmacOf(key, signedBytes)]));
}

/** Splits a token into its fields, checking only encoding, version and lengths. */
export function parseFernetToken(token: string): FernetTokenParts {
  const bytes = decodeBase64UrlStrict(token, 'required');
  if (bytes === undefined || bytes.length < MIN_TOKEN_LENGTH) {
    throw new FernetDecryptError('malformed-token');
  }
  if (bytes[0] !== VERSION) throw new FernetDecryptError('unsupported-version');
  const hmacOffset = bytes.length - HMAC_LENGTH;
  if ((hmacOffset - CIPHERTEXT_OFFSET) % BLOCK_LENGTH !== 0) {
    throw new FernetDecryptError('malformed-token');
  }
  return {
    timestampSeconds: Number(bytes.readBigUInt64BE(TIMESTAMP_OFFSET)),
    iv: bytes.subarray(IV_OFFSET, CIPHERTEXT_OFFSET),
    ciphertext: bytes.subarray(CIPHERTEXT_OFFSET, hmacOffset),
    signedBytes: bytes.subarray(0, hmacOffset),
    hmac: bytes.subarray(hmacOffset),
  };
}

/** Whether `key` produced the token's HMAC (constant-time comparison). */
export function isSignedBy(key: FernetKey, parts: FernetTokenParts): boolean {
  return timingSafeEqual(hmacOf(key, parts.signedBytes), parts.hmac);
}

/** Decrypts the ciphertext of a token whose HMAC was already verified with `key`. */
export function decryptVerifiedParts(key: FernetKey, parts: FernetTokenParts): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, parts.iv);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new FernetDecryptError('bad-padding');
  }
}

/** Throws unless the token timestamp lies within [now - ttl, now + allowed clock skew]. */
export function assertFernetTokenAge(parts: FernetTokenParts, ttlSeconds: number, nowSeconds: number): void {
  if (parts.timestampSeconds + ttlSeconds < nowSeconds) throw new FernetDecryptError('expired');
  if (nowSeconds + MAX_CLOCK_SKEW_SECONDS < parts.timestampSeconds) throw new FernetDecryptError('from-the-future');
}

export interface FernetDecryptOptions {
  /** Reject tokens older than this; omitted means tokens never expire. */
  readonly ttlSeconds?: number;
  /** Current time in seconds, only consulted with a TTL (defaults to the system clock). */
  readonly nowSeconds?: number;
}

/** Verifies and decrypts a token with a single key, returning the plaintext bytes. */
export function decryptFernetToken(key: FernetKey, token: string, options: FernetDecryptOptions = {}): Buffer {
  const parts = parseFernetToken(token);
  if (options.ttlSeconds !== undefined) {
    assertFernetTokenAge(parts, options.ttlSeconds, options.nowSeconds ?? Math.floor(Date.now() / 1000));
  }
  if (!isSignedBy(key, parts)) throw new FernetDecryptError('bad-signature');
  return decryptVerifiedParts(key, parts);
}
