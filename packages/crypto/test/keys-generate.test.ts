import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseFernetKey } from '../src';

const ROOT = path.resolve(__dirname, '..', '..', '..');

jest.setTimeout(60_000);

/** The command the missing-keys error names, run the way an operator runs it. */
function keysGenerate(): string {
  return execFileSync('npm', ['run', '--silent', 'keys:generate'], { cwd: ROOT, encoding: 'utf8' });
}

test('`npm run keys:generate` prints one new, valid Fernet key and nothing else', () => {
  const printed = keysGenerate();
  expect(printed).toMatch(/^[A-Za-z0-9_-]{43}=\n$/);
  expect(() => parseFernetKey(printed)).not.toThrow();
  // Random, so production's check for placeholder keys accepts it.
  expect(new Set(Buffer.from(printed.trim(), 'base64url')).size).toBeGreaterThanOrEqual(8);
});
