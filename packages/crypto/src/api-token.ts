import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIX = 'hrld_';
const LOOKUP_PREFIX_LENGTH = 10;

export interface GeneratedApiToken {
  /** Shown to the user once; never stored. */
  readonly secret: string;
  /** First characters of the secret, stored in clear to find the token row and to show in listings. */
  readonly prefix: string;
  /** Hex SHA-256 of the secret, the only form that is stored. */
  readonly hash: string;
}

/** Hex SHA-256 of an API token secret. */
export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The stored lookup prefix of an API token secret. */
export function apiTokenPrefixOf(secret: string): string {
  return secret.slice(0, LOOKUP_PREFIX_LENGTH);
}

/** A new API token: `hrld_` + base64url of 32 random bytes, with its prefix and hash. */
export function generateApiToken(): GeneratedApiToken {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, prefix: apiTokenPrefixOf(secret), hash: hashApiToken(secret) };
}

/** Constant-time string equality; hashing first hides the lengths as well as the contents. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
