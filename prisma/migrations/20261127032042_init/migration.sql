-- CreateEnum
CREATE TYPE "WebhookType" AS ENUM ('discord', 'slack', 'generic');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('info', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('queued', 'dispatched', 'delivered', 'partially_failed', 'failed', 'suppressed', 'no_targets');

-- CreateEnum
CREATE TYPE "DeliveryKind" AS ENUM ('alert', 'digest', 'notice');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'retrying', 'failed', 'dead', 'cancelled');

-- CreateEnum
CREATE TYPE "DigestScope" AS ENUM ('system', 'organization');

-- CreateEnum
CREATE TYPE "DigestStatus" AS ENUM ('claimed', 'dispatched', 'empty');

-- CreateEnum
CREATE TYPE "TokenRole" AS ENUM ('admin', 'org_admin', 'ingestor');

-- CreateTable
CREATE TABLE "organizations" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "enterprise" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "printers" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "org_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "printers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url_encrypted" TEXT NOT NULL,
    "url_masked" TEXT NOT NULL,
    "type" "WebhookType" NOT NULL,
    "alert_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "org_id" INTEGER,
    "is_org_setting" BOOLEAN NOT NULL DEFAULT false,
    "signing_secret_encrypted" TEXT,
    "previous_signing_secret_encrypted" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "encryption_key_id" TEXT,
    "retry_schedule" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "rate_limit" JSONB,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "first_failure_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "printer_id" INTEGER NOT NULL,
    "printer_name" TEXT,
    "org_id" INTEGER,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB,
    "source" TEXT NOT NULL,
    "dedupe_key" TEXT,
    "status" "AlertStatus" NOT NULL DEFAULT 'queued',
    "status_reason" TEXT,
    "quiet_scope" TEXT,
    "digest_id" UUID,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deliveries" (
    "id" UUID NOT NULL,
    "kind" "DeliveryKind" NOT NULL DEFAULT 'alert',
    "alert_id" UUID,
    "digest_id" UUID,
    "webhook_id" UUID NOT NULL,
    "payload" JSONB,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),
    "latency_ms" INTEGER,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "outcome" TEXT NOT NULL,
    "error_class" TEXT,
    "error" TEXT,

    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "digests" (
    "id" UUID NOT NULL,
    "scope" "DigestScope" NOT NULL,
    "scope_key" TEXT NOT NULL,
    "org_id" INTEGER,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "timezone" TEXT NOT NULL,
    "alert_count" INTEGER NOT NULL DEFAULT 0,
    "status" "DigestStatus" NOT NULL DEFAULT 'claimed',
    "claimed_by" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "digests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiet_hours_settings" (
    "scope" TEXT NOT NULL,
    "org_id" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "start" TEXT NOT NULL DEFAULT '22:00',
    "end" TEXT NOT NULL DEFAULT '07:00',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "digest" BOOLEAN NOT NULL DEFAULT true,
    "bypass_severities" "Severity"[] DEFAULT ARRAY[]::"Severity"[],
    "digest_when_empty" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "quiet_hours_settings_pkey" PRIMARY KEY ("scope")
);

-- CreateTable
CREATE TABLE "system_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "org_id" INTEGER,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "printers_org_id_idx" ON "printers"("org_id");

-- CreateIndex
CREATE INDEX "webhooks_org_id_enabled_idx" ON "webhooks"("org_id", "enabled");

-- CreateIndex
CREATE INDEX "alerts_status_received_at_idx" ON "alerts"("status", "received_at");

-- CreateIndex
CREATE INDEX "alerts_quiet_scope_occurred_at_idx" ON "alerts"("quiet_scope", "occurred_at");

-- CreateIndex
CREATE INDEX "alerts_org_id_occurred_at_idx" ON "alerts"("org_id", "occurred_at");

-- CreateIndex
CREATE INDEX "alerts_type_occurred_at_idx" ON "alerts"("type", "occurred_at");

-- CreateIndex
CREATE INDEX "alerts_printer_id_occurred_at_idx" ON "alerts"("printer_id", "occurred_at");

-- CreateIndex
CREATE INDEX "alerts_occurred_at_idx" ON "alerts"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_source_dedupe_key_key" ON "alerts"("source", "dedupe_key");

-- CreateIndex
CREATE INDEX "deliveries_webhook_id_status_created_at_idx" ON "deliveries"("webhook_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "deliveries_status_updated_at_idx" ON "deliveries"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_alert_id_webhook_id_key" ON "deliveries"("alert_id", "webhook_id");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_digest_id_webhook_id_key" ON "deliveries"("digest_id", "webhook_id");

-- CreateIndex
CREATE INDEX "delivery_attempts_delivery_id_idx" ON "delivery_attempts"("delivery_id");

-- CreateIndex
CREATE INDEX "delivery_attempts_started_at_idx" ON "delivery_attempts"("started_at");

-- CreateIndex
CREATE INDEX "digests_status_claimed_at_idx" ON "digests"("status", "claimed_at");

-- CreateIndex
CREATE UNIQUE INDEX "digests_scope_key_window_start_window_end_key" ON "digests"("scope_key", "window_start", "window_end");

-- CreateIndex
CREATE UNIQUE INDEX "quiet_hours_settings_org_id_key" ON "quiet_hours_settings"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens"("hash");

-- AddForeignKey
ALTER TABLE "printers" ADD CONSTRAINT "printers_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_digest_id_fkey" FOREIGN KEY ("digest_id") REFERENCES "digests"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_digest_id_fkey" FOREIGN KEY ("digest_id") REFERENCES "digests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "digests" ADD CONSTRAINT "digests_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiet_hours_settings" ADD CONSTRAINT "quiet_hours_settings_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
