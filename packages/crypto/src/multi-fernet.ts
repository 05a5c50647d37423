import { randomBytes } from 'node:crypto';
import {
  assertFernetTokenAge,
  decryptVerifiedParts,
  encryptFernetToken,
  FernetDecryptError,
  isSignedBy,
  parseFernetToken,
  type FernetTokenParts,
} from './fernet';
import { parseFernetKey, type FernetKey } from './fernet-key';

export interface FernetCodecOptions {
  /** Clock used for token timestamps (and TTL checks). Defaults to the system clock. */
  readonly now?: () => Date;
  /** Source of 16-byte IVs. Defaults to crypto.randomBytes; override only in tests. */
  readonly randomIv?: () => Uint8Array;
  /** Reject tokens older than this. Omitted (the default): tokens never expire. */
  readonly ttlSeconds?: number;
}

/** MultiFernet: encrypts with the first (primary) key and decrypts with any of them. */
export interface FernetCodec {
  /** keyId of the key new tokens are encrypted with. */
  readonly primaryKeyId: string;
  /** keyIds of all configured keys, primary first. */
  readonly keyIds: readonly string[];
  encrypt(plain: string): string;
  /** @throws FernetDecryptError */
  decrypt(token: string): string;
  /** keyId of the configured key that authenticates the token, undefined if none does or it is malformed. */
  keyIdOf(token: string): string | undefined;
  /** True when the token needs no re-encryption during key rotation. */
  isEncryptedWithPrimary(token: string): boolean;
  /** Re-encrypts a token with the primary key, keeping its original timestamp. @throws FernetDecryptError */
  rotate(token: string): string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function secondsOf(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseKeyList(keyTexts: readonly string[]): [FernetKey, ...FernetKey[]] {
  const keys = keyTexts.map((text, index) => {
    try {
      return parseFernetKey(text);
    } catch (error) {
      throw new Error(`Fernet key ${index + 1} of ${keyTexts.length}: ${(error as Error).message}`);
    }
  });
  const [primary, ...rest] = keys;
  if (primary === undefined) throw new Error('At least one Fernet key is required');
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.keyId)) throw new Error(`Fernet key ${key.keyId} is listed more than once`);
    seen.add(key.keyId);
  }
  return [primary, ...rest];
}

/** Builds a codec from Fernet keys in text form, primary key first. Throws on an empty list or a bad key. */
export function createFernetCodec(keyTexts: readonly string[], options: FernetCodecOptions = {}): FernetCodec {
  const keys = parseKeyList(keyTexts);
  const primary = keys[0];
  const now = options.now ?? (() => new Date());
  const randomIv = options.randomIv ?? (() => randomBytes(16));
  const { ttlSeconds } = options;

  function signerOf(parts: FernetTokenParts): FernetKey | undefined {
    return keys.find((key) => isSignedBy(key, parts));
  }

  function tryParse(token: string): FernetTokenParts | undefined {
    try {
      return parseFernetToken(token);
    } catch {
      return undefined;
    }
  }

  function decryptBytes(token: string): { plaintext: Buffer; timestampSeconds: number } {
    const parts = parseFernetToken(token);
    if (ttlSeconds !== undefined) assertFernetTokenAge(parts, ttlSeconds, secondsOf(now()));
    const signer = signerOf(parts);
    if (signer === undefined) throw new FernetDecryptError('bad-signature');
    return { plaintext: decryptVerifiedParts(signer, parts), timestampSeconds: parts.timestampSeconds };
  }

  function keyIdOf(token: string): string | undefined {
    const parts = tryParse(token);
    return parts === undefined ? undefined : signerOf(parts)?.keyId;
  }

  return {
    primaryKeyId: primary.keyId,
    keyIds: keys.map((key) => key.keyId),
    encrypt(plain) {
      return encryptFernetToken(primary, Buffer.from(plain, 'utf8'), {
        timestampSeconds: secondsOf(now()),
        iv: randomIv(),
      });
    },
    decrypt(token) {
      const { plaintext } = decryptBytes(token);
      try {
        return strictUtf8.decode(plaintext);
      } catch {
        throw new FernetDecryptError('not-utf8');
      }
    },
    keyIdOf,
    isEncryptedWithPrimary(token) {
      return keyIdOf(token) === primary.keyId;
    },
    rotate(token) {
      const { plaintext, timestampSeconds } = decryptBytes(token);
      return encryptFernetToken(primary, plaintext, { timestampSeconds, iv: randomIv() });
    },
  };
}
