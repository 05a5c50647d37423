-- Quiet hours decide per scope: the system window holds the system webhooks, an organization's window its own
-- webhooks. Each hold is a row (alert, scope), taken by that scope's digest once.
-- CreateEnum
CREATE TYPE "HoldAudience" AS ENUM ('system', 'organization', 'all');

-- CreateTable
CREATE TABLE "alert_holds" (
    "alert_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "audience" "HoldAudience" NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "digest_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_holds_pkey" PRIMARY KEY ("alert_id","scope")
);

-- CreateIndex
CREATE INDEX "alert_holds_digest_id_idx" ON "alert_holds"("digest_id");

-- AddForeignKey
ALTER TABLE "alert_holds" ADD CONSTRAINT "alert_holds_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_holds" ADD CONSTRAINT "alert_holds_digest_id_fkey" FOREIGN KEY ("digest_id") REFERENCES "digests"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Held alerts waiting for their scope's digest: the digest tick looks for them every minute.
-- schema.prisma cannot express a partial index; Prisma's schema diff leaves it alone.
CREATE INDEX "alert_holds_waiting_idx" ON "alert_holds" ("scope", "occurred_at") WHERE "digest_id" IS NULL;

-- Alerts held before this migration were held from every webhook by one window: so are their holds.
INSERT INTO "alert_holds" ("alert_id", "scope", "audience", "occurred_at", "digest_id", "created_at")
SELECT "id", "quiet_scope", 'all', "occurred_at", "digest_id", "received_at"
FROM "alerts"
WHERE "quiet_scope" IS NOT NULL AND ("status" = 'suppressed' OR "digest_id" IS NOT NULL);

-- alerts_held_idx stays: during a rolling upgrade an API or worker of the earlier release still holds alerts
-- the old way (status suppressed, quiet_scope set, no hold row); the digest tick adopts those through it.
