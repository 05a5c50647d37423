import { createHash } from 'node:crypto';
import { apiTokenPrefixOf, generateApiToken, hashApiToken, safeEqual } from '../src';

describe('generateApiToken', () => {
  it('returns hrld_ + base64url of 32 random bytes, its 10-character prefix and its SHA-256 hash', () => {
    const token = generateApiToken();
    expect(token.secret).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.secret.slice(5), 'base64url')).toHaveLength(32);
    expect(token.prefix).toBe(token.secret.slice(0, 10));
    expect(token.hash).toBe(createHash('sha256').update(token.secret).digest('hex'));
  });

  it('never repeats a secret', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateApiToken().secret));
    expect(secrets.size).toBe(50);
  });
});

describe('hashApiToken', () => {
  it('is hex SHA-256 of the secret (checked against a known digest)', () => {
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches the hash stored at generation time, so a presented secret can be checked', () => {
    const token = generateApiToken();
    expect(hashApiToken(token.secret)).toBe(token.hash);
    expect(apiTokenPrefixOf(token.secret)).toBe(token.prefix);
    expect(hashApiToken(`${token.secret}x`)).not.toBe(token.hash);
  });
});

describe('safeEqual', () => {
  it.each([
    ['same text', 'hrld_abc', 'hrld_abc', true],
    ['different text of the same length', 'hrld_abc', 'hrld_abd', false],
    ['different lengths', 'hrld_abc', 'hrld_abcd', false],
    ['empty vs non-empty', '', 'x', false],
    ['both empty', '', '', true],
    ['Unicode', 'Düse', 'Düse', true],
  ])('%s', (_label, a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
  });
});
