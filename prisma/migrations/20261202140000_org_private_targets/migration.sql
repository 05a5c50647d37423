-- Each organization's own private-target allow-list (CIDRs, addresses, exact host names), set by a
-- system admin. Its webhooks are checked against it instead of HERALD_ALLOWED_PRIVATE_TARGETS, which
-- now covers system webhooks only. Empty (the default, also for existing organizations): no private targets.
ALTER TABLE "organizations" ADD COLUMN "allowed_private_targets" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
