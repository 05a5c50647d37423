-- Deleting a webhook keeps its deliveries and attempts: the deliveries are detached (webhook_id
-- set to NULL) and keep the webhook's name, instead of being removed by the cascade.
ALTER TABLE "deliveries" ADD COLUMN "webhook_name" TEXT;
ALTER TABLE "deliveries" ALTER COLUMN "webhook_id" DROP NOT NULL;
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_webhook_id_fkey";
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE SET NULL ON UPDATE CASCADE;
