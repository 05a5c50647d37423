-- O.D.I.N.'s further webhook types, and Microsoft Teams (Power Automate workflows).
ALTER TYPE "WebhookType" ADD VALUE 'telegram';
ALTER TYPE "WebhookType" ADD VALUE 'ntfy';
ALTER TYPE "WebhookType" ADD VALUE 'teams';
ALTER TYPE "WebhookType" ADD VALUE 'pushover';
ALTER TYPE "WebhookType" ADD VALUE 'whatsapp';

-- Extra request headers per webhook (e.g. an ntfy access token): a Fernet token of their JSON, under the URL's keys.
ALTER TABLE "webhooks" ADD COLUMN "headers_encrypted" TEXT;
ALTER TABLE "webhooks" ADD COLUMN "header_names" TEXT[] DEFAULT ARRAY[]::TEXT[];
