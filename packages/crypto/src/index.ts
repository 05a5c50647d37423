export { FernetKey, generateFernetKey, parseFernetKey } from './fernet-key';
export {
  decryptFernetToken,
  encryptFernetToken,
  FernetDecryptError,
  type FernetDecryptFailure,
  type FernetDecryptOptions,
  type FernetEncryptInput,
} from './fernet';
export { createFernetCodec, type FernetCodec, type FernetCodecOptions } from './multi-fernet';
export {
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WebhookVerificationError,
  type SignWebhookInput,
  type VerifyWebhookInput,
  type WebhookHeaders,
  type WebhookVerificationFailure,
} from './webhook-signature';
export { apiTokenPrefixOf, generateApiToken, hashApiToken, safeEqual, type GeneratedApiToken } from './api-token';
export {
  rotateSigningSecret,
  SIGNING_SECRET_OVERLAP_MS,
  type RotateSigningSecretOptions,
  type SigningSecretRotation,
  type StoredSigningSecret,
} from './signing-secret-rotation';
