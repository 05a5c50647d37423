/**
 * Group commit without a timer: an item that finds nothing in flight is written at once, alone;
 * items arriving while a write is in flight wait for it and then go together, up to `maxSize`.
 * Idle, nothing waits; busy, many requests share one database statement and one Redis call.
 */
export function createGroupCommit<Item, Result>(
  write: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>,
  maxSize: number,
): (item: Item) => Promise<Result> {
  let waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let writing = false;

  async function writeWaiting(): Promise<void> {
    writing = true;
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
      if (!writing) void writeWaiting();
    });
}
