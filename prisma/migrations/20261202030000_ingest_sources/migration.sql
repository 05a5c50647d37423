-- CreateEnum
CREATE TYPE "IngestSourceKind" AS ENUM ('odin', 'apprise', 'herald');

-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "severities" "Severity"[] DEFAULT ARRAY[]::"Severity"[];

-- CreateTable
CREATE TABLE "ingest_sources" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "IngestSourceKind" NOT NULL,
    "org_id" INTEGER,
    "default_printer_id" INTEGER,
    "key_hash" TEXT NOT NULL,
    "key_last4" TEXT NOT NULL,
    "accepted_count" INTEGER NOT NULL DEFAULT 0,
    "rejected_count" INTEGER NOT NULL DEFAULT 0,
    "last_used_at" TIMESTAMPTZ(3),
    "last_test_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "ingest_sources_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ingest_sources_key_hash_key" ON "ingest_sources"("key_hash");

-- CreateIndex
CREATE INDEX "ingest_sources_org_id_idx" ON "ingest_sources"("org_id");

-- AddForeignKey
ALTER TABLE "ingest_sources" ADD CONSTRAINT "ingest_sources_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
