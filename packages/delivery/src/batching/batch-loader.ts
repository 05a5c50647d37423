export interface BatchLoaderOptions<K, V> {
  maxSize: number;
  /** Loads many keys in one round trip; keys it does not return resolve to null. */
  load(keys: K[]): Promise<Map<K, V>>;
}

/**
 * Reads for concurrent jobs coalesced into one query (the DataLoader pattern): fifty deliveries
 * starting together cost one SELECT instead of fifty. No timer: keys asked for in one turn of the
 * event loop go together at its end, and keys asked for while a load is in flight go in the next
 * one, so a lone job waits for nothing and a busy worker's batches grow by themselves.
 */
export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): (key: K) => Promise<V | null> {
  let pending: { key: K; resolve: (value: V | null) => void; reject: (error: unknown) => void }[] = [];
  let loading = false;

  async function loadPending(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, options.maxSize);
      pending = pending.slice(batch.length);
      try {
        const found = await options.load([...new Set(batch.map((entry) => entry.key))]);
        batch.forEach((entry) => entry.resolve(found.get(entry.key) ?? null));
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    loading = false;
  }

  return (key) =>
    new Promise<V | null>((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (loading) return;
      loading = true;
      setImmediate(() => void loadPending());
    });
}
