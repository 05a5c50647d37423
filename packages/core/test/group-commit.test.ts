import { createGroupCommit } from '../src/batching/group-commit';

/** A write that holds until released, recording each batch it was given. */
function heldWrites() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: string[]) => {
    batches.push(items);
    return new Promise<PromiseSettledResult<string>[]>((resolve) =>
      releases.push(() =>
        resolve(
          items.map((item) =>
            item.startsWith('bad')
              ? { status: 'rejected', reason: new Error(`refused ${item}`) }
              : { status: 'fulfilled', value: item.toUpperCase() },
          ),
        ),
      ),
    );
  };
  return { batches, write, release: () => releases.shift()?.() };
}

test('an item that finds nothing in flight is written at once, alone', async () => {
  const held = heldWrites();
  const commit = createGroupCommit(held.write, { maxSize: 10 });
  const first = commit('a');
  expect(held.batches).toEqual([['a']]);
  held.release();
  await expect(first).resolves.toBe('A');
});

test('items arriving during a write go together in the next one, each answered with its own result', async () => {
  const held = heldWrites();
  const commit = createGroupCommit(held.write, { maxSize: 10 });
  const first = commit('a');
  const waiting = [commit('b'), commit('bad-c'), commit('d')];
  expect(held.batches).toEqual([['a']]);
  held.release();
  await first;
  expect(held.batches).toEqual([['a'], ['b', 'bad-c', 'd']]);
  held.release();
  const settled = await Promise.allSettled(waiting);
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['B', 'refused bad-c', 'D']);
});

test('a batch holds at most maxSize items; the rest go in the following write', async () => {
  const held = heldWrites();
  const commit = createGroupCommit(held.write, { maxSize: 2 });
  const all = [commit('a'), commit('b'), commit('c'), commit('d')];
  for (let i = 0; i < 3; i++) {
    held.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(all);
  expect(held.batches).toEqual([['a'], ['b', 'c'], ['d']]);
});

test('a write that throws fails every item of its batch, and the next items are still written', async () => {
  let calls = 0;
  const commit = createGroupCommit(
    async (items: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return items.map((value) => ({ status: 'fulfilled' as const, value }));
    },
    { maxSize: 10 },
  );
  await expect(commit('a')).rejects.toThrow('database down');
  await expect(commit('b')).resolves.toBe('b');
});

test('with holdMs, an idle item waits for company for that long, then goes with what came meanwhile', async () => {
  jest.useFakeTimers();
  try {
    const held = heldWrites();
    const commit = createGroupCommit(held.write, { maxSize: 10, holdMs: () => 20 });
    const all = [commit('a'), commit('b')];
    jest.advanceTimersByTime(19);
    expect(held.batches).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(held.batches).toEqual([['a', 'b']]);
    held.release();
    await expect(Promise.all(all)).resolves.toEqual(['A', 'B']);
  } finally {
    jest.useRealTimers();
  }
});

test('a hold ends at once when holdMs turns 0 or the batch is full', async () => {
  jest.useFakeTimers();
  try {
    let holdMs = 20;
    const held = heldWrites();
    const commit = createGroupCommit(held.write, { maxSize: 3, holdMs: () => holdMs });
    const first = [commit('a'), commit('b')];
    expect(held.batches).toEqual([]);
    holdMs = 0;
    first.push(commit('c'));
    expect(held.batches).toEqual([['a', 'b', 'c']]);
    held.release();
    await Promise.all(first);

    holdMs = 20;
    const second = [commit('d'), commit('e'), commit('f')];
    expect(held.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    held.release();
    await expect(Promise.all(second)).resolves.toEqual(['D', 'E', 'F']);
    jest.advanceTimersByTime(100);
    expect(held.batches).toHaveLength(2);
  } finally {
    jest.useRealTimers();
  }
});

test('with retryAlone, a refused shared write is redone item by item, so only the items at fault fail', async () => {
  const batches: string[][] = [];
  const commit = createGroupCommit(
    async (items: string[]) => {
      batches.push(items);
      if (items.some((item) => item.startsWith('bad'))) throw new Error(`refused ${items.join(',')}`);
      return items.map((value) => ({ status: 'fulfilled' as const, value: value.toUpperCase() }));
    },
    { maxSize: 10, gatherTurn: true, retryAlone: (error) => (error as Error).message.startsWith('refused') },
  );
  const settled = await Promise.allSettled([commit('a'), commit('bad-b'), commit('c')]);
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['A', 'refused bad-b', 'C']);
  expect(batches).toEqual([['a', 'bad-b', 'c'], ['a'], ['bad-b'], ['c']]);
});

test('an error retryAlone does not accept fails the whole batch at once', async () => {
  let calls = 0;
  const commit = createGroupCommit(
    async () => {
      calls += 1;
      throw new Error('database down');
    },
    { maxSize: 10, gatherTurn: true, retryAlone: () => false },
  );
  const settled = await Promise.allSettled([commit('a'), commit('b')]);
  expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  expect(calls).toBe(1);
});
