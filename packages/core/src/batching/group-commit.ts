export interface GroupCommitOptions {
  /** At most this many items per write. */
  maxSize: number;
  /**
   * Start an idle write at the end of the current event-loop turn rather than at once, so items
   * asked for together (say, the deliveries of one job) go in one write. No timer either way.
   */
  gatherTurn?: boolean;
}

/**
 * Group commit without a timer: an item that finds nothing in flight is written at once (or at the
 * end of this turn, with `gatherTurn`); items arriving while a write is in flight wait for it and
 * then go together, up to `maxSize`. Idle, nothing waits; busy, many callers share one database
 * statement and one Redis call.
 */
export function createGroupCommit<Item, Result>(
  write: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>,
  options: GroupCommitOptions,
): (item: Item) => Promise<Result> {
  const { maxSize } = options;
  let waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let writing = false;

  async function writeWaiting(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxSize);
      waiting = waiting.slice(batch.length);
      try {
        const results = await write(batch.map((entry) => entry.item));
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

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (writing) return;
      writing = true;
      if (options.gatherTurn) setImmediate(() => void writeWaiting());
      else void writeWaiting();
    });
}
