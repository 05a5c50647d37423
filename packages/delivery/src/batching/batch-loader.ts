import { createGroupCommit } from '@herald/core';

export interface BatchLoaderOptions<K, V> {
  maxSize: number;
  /** Loads many keys in one round trip; keys it does not return resolve to null. */
  load(keys: K[]): Promise<Map<K, V>>;
}

/**
 * Reads for concurrent jobs coalesced into one query (the DataLoader pattern): fifty deliveries
 * starting together cost one SELECT instead of fifty. A group commit that gathers the turn: keys
 * asked for in one turn of the event loop go together, keys asked for while a load is in flight go
 * in the next one, so a lone job waits for nothing and a busy worker's batches grow by themselves.
 */
export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): (key: K) => Promise<V | null> {
  return createGroupCommit<K, V | null>(
    async (keys) => {
      const found = await options.load([...new Set(keys)]);
      return keys.map((key) => ({ status: 'fulfilled', value: found.get(key) ?? null }));
    },
    { maxSize: options.maxSize, gatherTurn: true },
  );
}
