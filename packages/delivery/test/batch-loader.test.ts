import { createBatchLoader } from '../src/batching/batch-loader';

/** A loader whose loads hold until released, recording the keys of each. */
function heldLoads() {
  const loads: string[][] = [];
  const releases: (() => void)[] = [];
  const load = (keys: string[]) => {
    loads.push(keys);
    return new Promise<Map<string, string>>((resolve) =>
      releases.push(() => resolve(new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()])))),
    );
  };
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  return { loads, load, release: () => releases.shift()?.(), nextTurn };
}

test('keys asked for in one turn of the event loop are loaded together, once each', async () => {
  const held = heldLoads();
  const get = createBatchLoader({ maxSize: 10, load: held.load });
  const values = Promise.all([get('a'), get('b'), get('a'), get('missing')]);
  await held.nextTurn();
  expect(held.loads).toEqual([['a', 'b', 'missing']]);
  held.release();
  await expect(values).resolves.toEqual(['A', 'B', 'A', null]);
});

test('keys asked for while a load is in flight go together in the next load', async () => {
  const held = heldLoads();
  const get = createBatchLoader({ maxSize: 10, load: held.load });
  const first = get('a');
  await held.nextTurn();
  const later = [get('b'), get('c')];
  await held.nextTurn();
  expect(held.loads).toEqual([['a']]);
  held.release();
  await first;
  await held.nextTurn();
  expect(held.loads).toEqual([['a'], ['b', 'c']]);
  held.release();
  await expect(Promise.all(later)).resolves.toEqual(['B', 'C']);
});

test('a load holds at most maxSize keys', async () => {
  const held = heldLoads();
  const get = createBatchLoader({ maxSize: 2, load: held.load });
  const values = Promise.all(['a', 'b', 'c'].map(get));
  await held.nextTurn();
  held.release();
  await held.nextTurn();
  held.release();
  await expect(values).resolves.toEqual(['A', 'B', 'C']);
  expect(held.loads).toEqual([['a', 'b'], ['c']]);
});

test('a failed load rejects the keys it held; the next keys load normally', async () => {
  let calls = 0;
  const get = createBatchLoader({
    maxSize: 10,
    load: async (keys: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return new Map(keys.map((key) => [key, key]));
    },
  });
  await expect(get('a')).rejects.toThrow('database down');
  await expect(get('b')).resolves.toBe('b');
});
