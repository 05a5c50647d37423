import type { PrismaClient } from '@herald/db';
import { createBatchLoader } from '../batching/batch-loader';

/** A delivery with its alert, as the delivery job needs it. */
export type LoadedDelivery = NonNullable<Awaited<ReturnType<typeof loadDeliveries>>[number]>;

function loadDeliveries(prisma: PrismaClient, ids: string[]) {
  return prisma.delivery.findMany({ where: { id: { in: ids } }, include: { alert: true } });
}

/** Reads the deliveries of concurrent jobs together: one query for a whole batch. */
export function createDeliveryLoader(prisma: PrismaClient, options: { maxSize?: number; maxWaitMs?: number } = {}) {
  return createBatchLoader<string, LoadedDelivery>({
    maxSize: options.maxSize ?? 200,
    maxWaitMs: options.maxWaitMs ?? 2,
    load: async (ids) => new Map((await loadDeliveries(prisma, ids)).map((row) => [row.id, row])),
  });
}
