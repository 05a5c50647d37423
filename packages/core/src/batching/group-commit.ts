export interface GroupCommitOptions {
  /** At most this many items per write. */
  maxSize: number;
  /**
   * Start an idle write at the end of the current event-loop turn rather than at once, so items
   * asked for together (say, the deliveries of one job) go in one write.
   */
  gatherTurn?: boolean;
  /**
   * How long an idle write may wait for company, asked whenever an item arrives with nothing in
   * flight (0: no wait). A caller that answers 0 once the wait stops being free (say, when
   * callers hold scarce slots) ends the wait at once.
   */
  holdMs?: () => number;
  /**
   * A shared write that throws an error this accepts (one item at fault, say) is redone item by
   * item, so only the callers whose own item is refused fail; any other error fails the batch.
   */
  retryAlone?: (error: unknown) => boolean;
}

/**
 * Group commit: an item that finds nothing in flight is written at once (or at the end of this
 * turn, with `gatherTurn`, or after `holdMs`); items arriving while a write is in flight wait for it
 * and then go together, up to `maxSize`. Busy, many callers share one database statement and one
 * Redis call, and batches grow with the write's own duration.
 */
export function createGroupCommit<Item, Result>(
  write: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>,
  options: GroupCommitOptions,
): (item: Item) => Promise<Result> {
  const { maxSize } = options;
  let waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let writing = false;
  let hold: NodeJS.Timeout | undefined;

  async function writeBatch(items: Item[]): Promise<PromiseSettledResult<Result>[]> {
    try {
      return await write(items);
    } catch (error) {
      if (items.length === 1 || !options.retryAlone?.(error)) throw error;
      return Promise.all(items.map((item) => writeAlone(item)));
    }
  }

  async function writeAlone(item: Item): Promise<PromiseSettledResult<Result>> {
    try {
      const [result] = await write([item]);
      return result ?? { status: 'rejected', reason: new Error('group commit: no result for an item') };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  }

  async function writeWaiting(): Promise<void> {
    writing = true;
    clearTimeout(hold);
    hold = undefined;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxSize);
      waiting = waiting.slice(batch.length);
      try {
        const results = await writeBatch(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => {
          const result = results[index];
          if (result?.status === 'fulfilled') entry.resolve(result.value);
          else entry.reject(result ? result.reason : new Error('group commit: no result for an item'));
        });
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    writing = false;
  }

  function startIdleWrite(): void {
    const holdMs = options.holdMs?.() ?? 0;
    if (holdMs > 0 && waiting.length < maxSize) {
      hold ??= setTimeout(() => void writeWaiting(), holdMs);
      return;
    }
    writing = true;
    clearTimeout(hold);
    hold = undefined;
    if (options.gatherTurn) setImmediate(() => void writeWaiting());
    else void writeWaiting();
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!writing) startIdleWrite();
    });
}
