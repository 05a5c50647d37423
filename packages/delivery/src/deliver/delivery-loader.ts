import { loadDeliveries, type LoadedDelivery, type SqlSession } from '@herald/db';
import { createBatchLoader } from '../batching/batch-loader';

/** Reads the deliveries of concurrent jobs together: one query for a whole batch. */
export function createDeliveryLoader(sql: SqlSession, options: { maxSize?: number } = {}) {
  return createBatchLoader<string, LoadedDelivery>({
    maxSize: options.maxSize ?? 200,
    load: async (ids) => new Map((await loadDeliveries(sql, ids)).map((row) => [row.id, row])),
  });
}
