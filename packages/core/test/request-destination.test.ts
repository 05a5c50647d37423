import fc from 'fast-check';
import { destinationOf } from '../src/delivery-policy/request-destination';

test('the endpoint is scheme, lower-case host, effective port and path; query, fragment and credentials do not count', () => {
  const base = destinationOf('https://hooks.example.com/in/abc');
  expect(destinationOf('https://HOOKS.example.com:443/in/abc?x=1#frag')).toEqual(base);
  expect(destinationOf('https://user:pw@hooks.example.com./in/abc?y=2')).toEqual(base);
  expect(base).toEqual({ endpoint: 'https://hooks.example.com:443/in/abc', hostPort: 'hooks.example.com:443' });
  expect(destinationOf('https://hooks.example.com/in/abd').endpoint).not.toBe(base.endpoint);
  expect(destinationOf('https://hooks.example.com:8443/in/abc').hostPort).toBe('hooks.example.com:8443');
  expect(destinationOf('http://hooks.example.com/in/abc').endpoint).toBe('http://hooks.example.com:80/in/abc');
  expect(destinationOf('http://[::1]:8080/x?q').endpoint).toBe('http://[::1]:8080/x');
  expect(destinationOf('not a url')).toEqual({ endpoint: 'invalid', hostPort: 'invalid' });
});

test('other spellings of one address are one destination: IPv4-mapped IPv6, decimal and hex IPv4', () => {
  const base = destinationOf('http://127.0.0.1:9000/hook');
  expect(base).toEqual({ endpoint: 'http://127.0.0.1:9000/hook', hostPort: '127.0.0.1:9000' });
  expect(destinationOf('http://[::ffff:127.0.0.1]:9000/hook')).toEqual(base);
  expect(destinationOf('http://[::FFFF:7f00:1]:9000/hook')).toEqual(base);
  expect(destinationOf('http://2130706433:9000/hook')).toEqual(base);
  expect(destinationOf('http://0x7f.1:9000/hook')).toEqual(base);
  // A real IPv6 address stays itself.
  expect(destinationOf('http://[::1]:9000/hook').hostPort).toBe('[::1]:9000');
});

test('percent-encoded plain characters are the characters; other escapes only differ in case', () => {
  const base = destinationOf('https://hooks.example.com/in/abc-1_~.x');
  expect(destinationOf('https://hooks.example.com/in/%61%62%63%2D%31%5F%7E%2Ex')).toEqual(base);
  expect(destinationOf('https://hooks.example.com/in/%2f')).toEqual(destinationOf('https://hooks.example.com/in/%2F'));
  // An escaped slash is not a path separator: another endpoint.
  expect(destinationOf('https://hooks.example.com/in%2Fabc-1_~.x').endpoint).not.toBe(base.endpoint);
});

test('normalising is idempotent: the endpoint of an endpoint is itself', () => {
  fc.assert(
    fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
      const once = destinationOf(url);
      expect(destinationOf(once.endpoint)).toEqual(once);
    }),
  );
});
