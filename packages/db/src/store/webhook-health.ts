import type { PrismaClient } from '../generated/prisma/client';

/** Webhooks Herald has turned off (failing too long, gone at the provider, undecryptable): what an operator alerts on. */
export async function countDisabledWebhooks(prisma: PrismaClient): Promise<number> {
  return prisma.webhook.count({ where: { disabledReason: { not: null } } });
}
