import { jsonDepthExceeds } from '../src';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1],
    ['[]', 1],
    ['"text"', 0],
    ['{"a":{"b":[1,{"c":null}]}}', 4],
    [nested(32), 32],
    [`{"a":${nested(31, '{"b":', '}')}}`, 32],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonDepthExceeds(text, depth)).toBe(false);
    expect(jsonDepthExceeds(text, depth - 1)).toBe(depth > 0);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[{{{{{{', b: 'say \\"[[[[[[', c: '\\\\', d: '[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\\\"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\\\","b":[[]]}', 2)).toBe(true);
  });

  it('stops at the limit on huge inputs', () => {
    expect(jsonDepthExceeds('['.repeat(1_000_000), 32)).toBe(true);
  });
});
