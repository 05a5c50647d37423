import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeBase64UrlStrict, encodeBase64UrlPadded } from './base64';

const KEY_LENGTH = 32;
const KEY_ID_LABEL = 'herald-key-id:';
const KEY_ID_HEX_LENGTH = 12;

/**
 * A parsed Fernet key: the first 16 bytes sign, the last 16 encrypt. Serialising or inspecting it
 * shows only its keyId, so a key that ends up in a log line does not leak.
 */
export class FernetKey {
  /** Short, non-reversible fingerprint that names the key (used to track key rotation). */
  readonly keyId: string;

  private constructor(
    readonly signingKey: Buffer,
    readonly encryptionKey: Buffer,
    keyBytes: Buffer,
  ) {
    this.keyId = fernetKeyIdOf(keyBytes);
  }

  /** @internal use parseFernetKey */
  static fromBytes(keyBytes: Buffer): FernetKey {
    return new FernetKey(Buffer.from(keyBytes.subarray(0, 16)), Buffer.from(keyBytes.subarray(16, KEY_LENGTH)), keyBytes);
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [inspect.custom](): string {
    return `FernetKey { keyId: '${this.keyId}' }`;
  }
}

function fernetKeyIdOf(keyBytes: Buffer): string {
  return createHash('sha256').update(KEY_ID_LABEL, 'utf8').update(keyBytes).digest('hex').slice(0, KEY_ID_HEX_LENGTH);
}

/**
 * Parses a Fernet key (32 bytes, URL-safe base64; padding optional, surrounding whitespace ignored).
 * The error never repeats the key text.
 */
export function parseFernetKey(text: string): FernetKey {
  const bytes = decodeBase64UrlStrict(text.trim(), 'optional');
  if (bytes === undefined) {
    throw new Error('Fernet key must be 32 bytes of URL-safe base64, got text that is not URL-safe base64');
  }
  if (bytes.length !== KEY_LENGTH) {
    throw new Error(`Fernet key must be 32 bytes of URL-safe base64, got ${bytes.length} bytes`);
  }
  return FernetKey.fromBytes(bytes);
}

/** A fresh random Fernet key in the usual text form (URL-safe base64 with padding). */
export function generateFernetKey(): string {
  return encodeBase64UrlPadded(randomBytes(KEY_LENGTH));
}
