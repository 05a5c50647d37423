// The npm `fernet` package patches String.prototype when loaded, so it lives alone in this file.
import { Secret, Token } from 'fernet';
import { createFernetCodec, generateFernetKey } from '../src';

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const MESSAGES = ['hello', '', 'https://discord.com/api/webhooks/42/abc-DEF_ghi', 'Düse verstopft — 🖨️', 'x'.repeat(1000)];

describe('interoperability with the npm fernet package', () => {
  it.each(MESSAGES)('tokens from npm fernet decrypt here (%#)', (message) => {
    const token = new Token({ secret: new Secret(KEY), ttl: 0 }).encode(message);
    expect(createFernetCodec([KEY]).decrypt(token)).toBe(message);
  });

  it.each(MESSAGES)('tokens made here decrypt with npm fernet (%#)', (message) => {
    const token = createFernetCodec([KEY]).encrypt(message);
    expect(new Token({ secret: new Secret(KEY), ttl: 0 }).decode(token)).toBe(message);
  });

  it('produces the same bytes as npm fernet for the same key, time and IV', () => {
    const key = generateFernetKey();
    const time = '2026-03-04T05:06:07Z';
    // npm fernet mangles IVs passed in (it hex-encodes array indices), so reuse the random IV it chose.
    const theirs = new Token({ secret: new Secret(key), time, ttl: 0 }).encode('same bytes please');
    const iv = Buffer.from(theirs, 'base64url').subarray(9, 25);
    const ours = createFernetCodec([key], { now: () => new Date(time), randomIv: () => iv }).encrypt('same bytes please');
    expect(ours).toBe(theirs);
  });
});
