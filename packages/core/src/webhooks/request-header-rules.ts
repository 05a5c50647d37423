/**
 * Request headers a webhook may not set itself: the transport's own (Host, Content-Length and the
 * like), the body's type, and Herald's delivery id, timestamp and signature, which receivers rely on.
 */
export const RESERVED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

/** An HTTP token (RFC 9110). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Visible ASCII, spaces and tabs inside; no line breaks. */
const HEADER_VALUE = /^[\x20-\x7E\t]{0,4096}$/;
export const MAX_REQUEST_HEADERS = 20;

export type RequestHeaderCheck = { ok: true; headers: Record<string, string> } | { ok: false; name: string; message: string };

/** Extra request headers as saved: names lower-cased, values trimmed; or the first one that cannot be used. */
export function checkRequestHeaders(input: Record<string, string>): RequestHeaderCheck {
  const headers: Record<string, string> = {};
  const entries = Object.entries(input);
  if (entries.length > MAX_REQUEST_HEADERS) return { ok: false, name: '', message: `at most ${MAX_REQUEST_HEADERS} headers` };
  for (const [rawName, rawValue] of entries) {
    const name = rawName.trim().toLowerCase();
    if (!HEADER_NAME.test(name)) return { ok: false, name: rawName, message: 'not a valid header name' };
    if (RESERVED_REQUEST_HEADERS.has(name)) return { ok: false, name: rawName, message: 'set by Herald; it cannot be overridden' };
    // The value is never quoted back: it may be a secret.
    if (!HEADER_VALUE.test(rawValue))
      return { ok: false, name: rawName, message: 'value must be printable ASCII on one line, at most 4096 characters' };
    if (name in headers) return { ok: false, name: rawName, message: 'given twice' };
    headers[name] = rawValue.trim();
  }
  return { ok: true, headers };
}

/** The headers as shown by the API: names only, every value hidden. */
export function maskRequestHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '••••']));
}
