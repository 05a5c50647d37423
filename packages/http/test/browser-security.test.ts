import fc from 'fast-check';
import type { FastifyRequest } from 'fastify';
import { DASHBOARD_PATH, safeNext } from '../src/dashboard/dashboard-routes';
import { throttledClientOf } from '../src/plugins/auth-throttle';
import { cookieMaySkipSecure, crossOriginProblem } from '../src/sessions/same-origin';

const request = (fields: { protocol?: string; hostname?: string; headers?: Record<string, string> }) =>
  ({ protocol: 'http', hostname: '127.0.0.1', headers: {}, ...fields }) as unknown as FastifyRequest;

describe('safeNext (the login form redirect)', () => {
  test('whatever a client sends, the browser ends up inside the dashboard, with a header-safe value', () => {
    const pieces = fc.constantFrom(
      '/admin/queues',
      '/',
      '..',
      '.',
      '%2e%2e',
      '%2E.',
      '//',
      '\\',
      '\r\n',
      '?',
      '#',
      'v1',
      'tokens',
      '%0d%0a',
      '@',
      ':',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')),
        ),
        (raw) => {
          const next = safeNext(raw);
          expect([...next].every((char) => char >= ' ' && char !== '\x7f')).toBe(true);
          const resolved = new URL(next, 'https://herald.example');
          expect(resolved.origin).toBe('https://herald.example');
          expect(resolved.pathname === DASHBOARD_PATH || resolved.pathname.startsWith(`${DASHBOARD_PATH}/`)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test.each([
    ['/admin/queues/../../v1/tokens', DASHBOARD_PATH],
    ['/admin/queues/%2e%2e/v1', DASHBOARD_PATH],
    ['/admin/queues\r\nLocation: https://evil.example', DASHBOARD_PATH],
    ['/admin/queues-not/x', DASHBOARD_PATH],
    [42, DASHBOARD_PATH],
    ['/admin/queues/queue/alerts?status=failed', '/admin/queues/queue/alerts?status=failed'],
    ['/admin/queues/a/../queue/deliveries', '/admin/queues/queue/deliveries'],
  ])('%j → %s', (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });
});

describe('crossOriginProblem', () => {
  const host = '127.0.0.1:3000';
  test.each([
    [{ host, origin: 'http://127.0.0.1:3000' }, true, null],
    [{ host, referer: 'http://127.0.0.1:3000/orgs/1?x=y' }, true, null],
    [{ host: 'herald.example', origin: 'https://herald.example' }, true, null],
    [{ host: 'herald.example:443', origin: 'https://herald.example' }, true, null],
    [{ host }, false, null],
    [{ host }, true, /required/],
    [{ host, origin: 'http://127.0.0.1:3001' }, true, /another site/],
    [{ host, origin: 'null' }, true, /not a URL/],
    [{ host, origin: 'http://127.0.0.1.evil.example:3000' }, false, /another site/],
    [{ host: 'herald.example', origin: 'ftp://herald.example' }, true, /another site/],
  ])('%j (required %s)', (headers, required, problem) => {
    const found = crossOriginProblem(request({ headers }), required);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe('cookieMaySkipSecure', () => {
  test.each([
    ['production', 'https', '127.0.0.1', false],
    ['production', 'http', '127.0.0.1', true],
    ['production', 'http', '127.9.9.9', true],
    ['production', 'http', '[::1]', true],
    ['production', 'http', 'localhost', true],
    ['production', 'http', 'herald.example', false],
    ['production', 'http', '10.0.0.5', false],
    ['development', 'http', 'farm-pc.lan', true],
    ['development', 'https', 'farm-pc.lan', false],
  ])('%s over %s to %s: %s', (mode, protocol, hostname, skip) => {
    expect(cookieMaySkipSecure(request({ protocol, hostname }), mode)).toBe(skip);
  });
});

describe('throttledClientOf', () => {
  test('IPv4 (also IPv4-mapped) counts per address, IPv6 per /64', () => {
    expect(throttledClientOf('10.1.2.3')).toBe('10.1.2.3');
    expect(throttledClientOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(throttledClientOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(throttledClientOf('2001:db8:1:2:ffff::1')).toBe(throttledClientOf('2001:db8:1:2::9'));
    expect(throttledClientOf('2001:db8:1:3::1')).not.toBe(throttledClientOf('2001:db8:1:2::1'));
  });
});
