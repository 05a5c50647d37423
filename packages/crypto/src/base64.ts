// Node's base64 decoders silently skip characters outside the alphabet and anything after
// padding. Tokens and keys must round-trip exactly, so a decode only counts when re-encoding
// the bytes gives back the very text we were handed.

const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;

function withPadding(unpadded: string): string {
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** URL-safe base64 to bytes, or undefined unless `text` is a canonical encoding. */
export function decodeBase64UrlStrict(text: string, padding: 'required' | 'optional'): Buffer | undefined {
  if (!URL_SAFE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  const unpadded = bytes.toString('base64url');
  if (text === withPadding(unpadded)) return bytes;
  if (padding === 'optional' && text === unpadded) return bytes;
  return undefined;
}

/** URL-safe base64 with `=` padding, the form Fernet tokens and keys use. */
export function encodeBase64UrlPadded(bytes: Uint8Array): string {
  return withPadding(Buffer.from(bytes).toString('base64url'));
}

/** Standard (padded) base64 to bytes, or undefined unless `text` is a canonical encoding. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!STANDARD.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
