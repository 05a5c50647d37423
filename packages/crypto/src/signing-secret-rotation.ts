import { generateWebhookSecret } from './webhook-signature';

/** How long the replaced secret keeps signing alongside the new one. */
export const SIGNING_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The webhook columns a rotation reads (Prisma field names of Webhook). */
export interface StoredSigningSecret {
  readonly signingSecretEncrypted: string | null;
}

export interface SigningSecretRotation {
  /** The new secret in clear: return it once to the caller, never store or log it. */
  readonly secret: string;
  /** Webhook columns to write. */
  readonly data: {
    readonly signingSecretEncrypted: string;
    readonly previousSigningSecretEncrypted: string | null;
    readonly previousSecretExpiresAt: Date | null;
  };
}

export interface RotateSigningSecretOptions {
  readonly now: Date;
  /** Default 24 h. */
  readonly overlapMs?: number;
  /** Default generateWebhookSecret (whsec_ + 32 random bytes). */
  readonly generateSecret?: () => string;
}

/**
 * A new signing secret for a webhook: the current one becomes the previous secret, still used to
 * sign (next to the new one) until now + 24 h, so receivers can switch without losing a message.
 * A previous secret from an earlier rotation is dropped. Without a current secret there is no overlap.
 */
export function rotateSigningSecret(
  current: StoredSigningSecret,
  cipher: { encrypt(plain: string): string },
  options: RotateSigningSecretOptions,
): SigningSecretRotation {
  const secret = (options.generateSecret ?? generateWebhookSecret)();
  const previous = current.signingSecretEncrypted;
  return {
    secret,
    data: {
      signingSecretEncrypted: cipher.encrypt(secret),
      previousSigningSecretEncrypted: previous,
      previousSecretExpiresAt:
        previous === null ? null : new Date(options.now.getTime() + (options.overlapMs ?? SIGNING_SECRET_OVERLAP_MS)),
    },
  };
}
