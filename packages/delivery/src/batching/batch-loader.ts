export interface BatchLoaderOptions<K, V> {
  maxSize: number;
  maxWaitMs: number;
  /** Loads many keys in one round trip; keys it does not return resolve to null. */
  load(keys: K[]): Promise<Map<K, V>>;
}

/**
 * Reads for concurrent jobs coalesced into one query (the DataLoader pattern): fifty deliveries
 * starting together cost one SELECT instead of fifty.
 */
export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): (key: K) => Promise<V | null> {
  let pending: { key: K; resolve: (value: V | null) => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    options.load([...new Set(batch.map((entry) => entry.key))]).then(
      (found) => batch.forEach((entry) => entry.resolve(found.get(entry.key) ?? null)),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  };

  return (key) =>
    new Promise<V | null>((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (pending.length >= options.maxSize) flush();
      else timer ??= setTimeout(flush, options.maxWaitMs);
    });
}
