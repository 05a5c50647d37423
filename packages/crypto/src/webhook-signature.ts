import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64Strict } from './base64';

// Standard Webhooks (https://www.standardwebhooks.com/), symmetric "v1" scheme:
// webhook-signature = space-separated "v1,<base64 HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)>".

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key inside a secret; the `whsec_` prefix is optional, as in the reference libraries. */
function secretBytesOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = decodeBase64Strict(encoded);
  if (bytes === undefined || bytes.length === 0) {
    throw new Error('Webhook secret must be "whsec_" followed by non-empty standard base64');
  }
  return bytes;
}

function signatureOf(secretBytes: Buffer, id: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secretBytes).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
}

export interface SignWebhookInput {
  readonly id: string;
  readonly timestampSeconds: number;
  /** The exact request body bytes as sent (UTF-8). */
  readonly body: string;
  /** One signature per secret, in order; several during secret rotation. */
  readonly secrets: readonly string[];
}

/** The `webhook-signature` header value for a message. */
export function signWebhook(input: SignWebhookInput): string {
  if (!Number.isSafeInteger(input.timestampSeconds) || input.timestampSeconds < 0) {
    throw new RangeError('Webhook timestamp must be a non-negative whole number of seconds');
  }
  if (input.secrets.length === 0) throw new Error('At least one webhook secret is required to sign');
  return input.secrets
    .map((secret) => `${SIGNATURE_VERSION},${signatureOf(secretBytesOf(secret), input.id, input.timestampSeconds, input.body)}`)
    .join(' ');
}

export type WebhookVerificationFailure =
  'missing-headers' | 'invalid-timestamp' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature';

const FAILURE_TEXT: Record<WebhookVerificationFailure, string> = {
  'missing-headers': 'webhook-id, webhook-timestamp or webhook-signature header is missing',
  'invalid-timestamp': 'webhook-timestamp is not a whole number of seconds',
  'timestamp-too-old': 'webhook-timestamp is older than the allowed tolerance',
  'timestamp-too-new': 'webhook-timestamp is further in the future than the allowed tolerance',
  'no-matching-signature': 'no signature in webhook-signature matches',
};

/** Verification failed; `reason` says why. The message never includes the secret or a signature. */
export class WebhookVerificationError extends Error {
  constructor(readonly reason: WebhookVerificationFailure) {
    super(`Webhook verification failed: ${FAILURE_TEXT[reason]}`);
    this.name = 'WebhookVerificationError';
  }
}

export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookInput {
  /** Request headers; names are matched case-insensitively. */
  readonly headers: WebhookHeaders;
  /** The raw request body, exactly as received. */
  readonly body: string;
  readonly secret: string;
  /** Maximum distance between webhook-timestamp and now, either way (default 300). */
  readonly toleranceSeconds?: number;
  /** Defaults to the system clock. */
  readonly nowSeconds?: number;
}

/** Header value by case-insensitive name; repeated headers are joined with a space. */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  const joined = values.join(' ').trim();
  return joined === '' ? undefined : joined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks a received webhook; returns normally when it is authentic and fresh. @throws WebhookVerificationError */
export function verifyWebhook(input: VerifyWebhookInput): void {
  const id = headerValue(input.headers, WEBHOOK_ID_HEADER);
  const timestampText = headerValue(input.headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatureHeader = headerValue(input.headers, WEBHOOK_SIGNATURE_HEADER);
  if (id === undefined || timestampText === undefined || signatureHeader === undefined) {
    throw new WebhookVerificationError('missing-headers');
  }
  if (!/^\d{1,15}$/.test(timestampText)) throw new WebhookVerificationError('invalid-timestamp');
  const timestampSeconds = Number(timestampText);
  const nowSeconds = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (nowSeconds - timestampSeconds > tolerance) throw new WebhookVerificationError('timestamp-too-old');
  if (timestampSeconds - nowSeconds > tolerance) throw new WebhookVerificationError('timestamp-too-new');

  const expected = signatureOf(secretBytesOf(input.secret), id, timestampSeconds, input.body);
  const matches = signatureHeader
    .split(' ')
    .map((entry) => entry.split(','))
    .some(([version, signature]) => version === SIGNATURE_VERSION && signature !== undefined && sameText(signature, expected));
  if (!matches) throw new WebhookVerificationError('no-matching-signature');
}
