export interface MicroBatcherOptions<T> {
  /** Flush as soon as this many items wait. */
  maxSize: number;
  /** Or when the oldest item has waited this long. */
  maxWaitMs: number;
  flush(items: T[]): Promise<void>;
}

export interface MicroBatcher<T> {
  /** Resolves once the batch holding the item is written (group commit: callers still wait for durability). */
  add(item: T): Promise<void>;
  /** Writes whatever waits now. */
  drain(): Promise<void>;
}

/**
 * Group commit for concurrent jobs: many deliveries finishing at once share one database
 * round trip instead of one each. A failed flush rejects every caller in that batch, so each
 * job fails (and is retried) exactly as it would have alone.
 */
export function createMicroBatcher<T>(options: MicroBatcherOptions<T>): MicroBatcher<T> {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  const flushNow = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending.length === 0) return inFlight;
    const batch = pending;
    pending = [];
    inFlight = options.flush(batch.map((entry) => entry.item)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
    return inFlight;
  };

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= options.maxSize) void flushNow();
        else timer ??= setTimeout(() => void flushNow(), options.maxWaitMs);
      });
    },
    drain: flushNow,
  };
}
