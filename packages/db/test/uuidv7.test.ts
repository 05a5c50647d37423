import { uuidv7 } from '../src/uuidv7';

test('a UUIDv7 carries its millisecond timestamp in the first 48 bits, version 7 and the RFC variant', () => {
  const ms = Date.UTC(2026, 10, 27, 10, 15, 30, 123);
  const id = uuidv7(ms);
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
});

test('ids differ from one another and sort by their time', () => {
  const ids = Array.from({ length: 5_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 10)));
  expect(new Set(ids).size).toBe(ids.length);
  const byTime = ids.map((id, i) => ({ id, ms: 1_700_000_000_000 + Math.floor(i / 10) }));
  const sorted = [...byTime].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.ms).toBeGreaterThanOrEqual(sorted[i - 1]!.ms);
});

test('the largest 48-bit timestamp is kept whole', () => {
  const ms = 2 ** 48 - 1;
  expect(parseInt(uuidv7(ms).replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
});
