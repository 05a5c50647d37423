-- Browser sessions (console and dashboard): the cookie carries a random id, this table its SHA-256 and the
-- principal. Revoking the API token ends its sessions (checked on every request); deleting it deletes them.
-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "token_id" UUID,
    "config_token_hash" TEXT,
    "role" "TokenRole" NOT NULL,
    "org_id" INTEGER,
    "token_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sessions_hash_key" ON "sessions"("hash");

-- CreateIndex
CREATE INDEX "sessions_token_id_idx" ON "sessions"("token_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "api_tokens"("id") ON DELETE CASCADE ON UPDATE CASCADE;
