-- Held alerts (suppressed, not yet in a digest): the digest tick looks for them every minute, and
-- suppressed alerts already digested pile up over time. A partial index keeps that look to the few
-- held ones. schema.prisma cannot express a partial index; Prisma's schema diff leaves it alone.
CREATE INDEX "alerts_held_idx" ON "alerts" ("quiet_scope", "occurred_at") WHERE "status" = 'suppressed' AND "digest_id" IS NULL;
