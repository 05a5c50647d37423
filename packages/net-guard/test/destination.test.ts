import dns from 'node:dns';
import {
  AllowListEntryError,
  checkDestination,
  checkDestinationSyntax,
  ORG_ALLOW_LIST_NAME,
  parseAllowList,
  type HostResolver,
} from '../src';

const PUBLIC = '93.184.215.14';
const none: string[] = [];

/** A resolver answering from a table, like a zone file; unknown names fail as dns.lookup does. */
function resolverFrom(table: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const addresses = table[hostname.replace(/\.$/, '')];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const publicOnly = resolverFrom({ 'hooks.example.com': [PUBLIC] });

describe('checkDestination: URL rules', () => {
  it('accepts an https URL whose host resolves to public addresses only', async () => {
    const verdict = await checkDestination('https://hooks.example.com/path?q=1', { allowedPrivateTargets: none, resolve: publicOnly });
    expect(verdict).toEqual({ ok: true, url: new URL('https://hooks.example.com/path?q=1'), addresses: [PUBLIC] });
  });

  it.each([
    ['http://hooks.example.com/x', 'scheme'],
    ['ftp://hooks.example.com/x', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://hooks.example.com:70/x', 'scheme'],
    ['https://user:pass@hooks.example.com/x', 'credentials'],
    ['https://user@hooks.example.com/x', 'credentials'],
    ['https://:pass@hooks.example.com/x', 'credentials'],
    ['https://hooks.example.com:22/x', 'port'],
    ['https://hooks.example.com:25/x', 'port'],
    ['https://hooks.example.com:6379/x', 'ok'],
    ['https://hooks.example.com:80/x', 'ok'],
    ['https://hooks.example.com:443/x', 'ok'],
    ['https://hooks.example.com:8443/x', 'ok'],
    ['not a url', 'invalid-url'],
    ['https://', 'invalid-url'],
  ])('%s → %s', async (url, expected) => {
    const verdict = await checkDestination(url, { allowedPrivateTargets: none, resolve: publicOnly });
    expect(verdict.ok ? 'ok' : verdict.code).toBe(expected);
  });

  it('names the reason without repeating the URL', async () => {
    const verdict = await checkDestination('https://user:s3cr3t@hooks.example.com:22/tok3n', {
      allowedPrivateTargets: none,
      resolve: publicOnly,
    });
    expect(verdict).toEqual({ ok: false, code: 'credentials', reason: 'must not contain credentials' });
    const port = await checkDestination('https://hooks.example.com:22/tok3n', { allowedPrivateTargets: none, resolve: publicOnly });
    expect(port).toEqual({ ok: false, code: 'port', reason: 'port 22 is not allowed (below 1024 only 80 and 443)' });
  });
});

describe('checkDestination: IP literals in odd notations', () => {
  it.each([
    ['https://127.0.0.1/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://2130706433/', 'loopback'],
    ['https://017700000001/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://127.1/', 'loopback'],
    ['https://127.0.0.1./', 'loopback'],
    ['https://%31%32%37.0.0.1/', 'loopback'],
    ['https://１２７.0.0.1/', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[::ffff:7f00:1]/', 'loopback'],
    ['https://[0:0:0:0:0:ffff:127.0.0.1]/', 'loopback'],
    ['https://0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://0xa9fea9fe/', 'link-local'],
    ['https://[::ffff:169.254.169.254]/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://10.0.0.5/', 'private'],
    ['https://0x0a.0x0.0x0.0x5/', 'private'],
    ['https://192.168.0.1/', 'private'],
    ['https://[::ffff:192.168.0.1]/', 'private'],
    ['https://100.64.1.1/', 'shared (CGNAT)'],
    ['https://[fd00::1]/', 'unique-local'],
    ['https://224.0.0.251/', 'multicast'],
    ['https://[ff02::1]/', 'multicast'],
    ['https://255.255.255.255/', 'broadcast'],
    ['https://240.0.0.1/', 'reserved'],
    ['https://192.0.2.10/', 'documentation'],
  ])('%s is rejected as %s', async (url, category) => {
    const resolve = jest.fn(publicOnly);
    const verdict = await checkDestination(url, { allowedPrivateTargets: none, resolve });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.code).toBe('blocked-address');
    expect(verdict.reason).toContain(`is ${category} (`);
    // Literals never reach the resolver (getaddrinfo would read 0x7f.1 its own way).
    expect(resolve).not.toHaveBeenCalled();
  });

  it('accepts a public IP literal', async () => {
    const verdict = await checkDestination('https://8.8.8.8/', { allowedPrivateTargets: none });
    expect(verdict).toEqual({ ok: true, url: new URL('https://8.8.8.8/'), addresses: ['8.8.8.8'] });
  });

  it('the synchronous part already rejects literals, credentials, ports and schemes', () => {
    expect(checkDestinationSyntax('https://0x7f.1/', none)).toMatchObject({ ok: false, code: 'blocked-address' });
    expect(checkDestinationSyntax('https://[::ffff:7f00:1]/', none)).toMatchObject({ ok: false, code: 'blocked-address' });
    expect(checkDestinationSyntax('https://a:b@hooks.example.com/', none)).toMatchObject({ ok: false, code: 'credentials' });
    expect(checkDestinationSyntax('https://hooks.example.com/', none)).toMatchObject({ ok: true });
  });
});

describe('checkDestination: host names are resolved and every address is checked', () => {
  it('rejects a name that resolves to 127.0.0.1', async () => {
    const verdict = await checkDestination('https://sneaky.example.com/hook', {
      allowedPrivateTargets: none,
      resolve: resolverFrom({ 'sneaky.example.com': ['127.0.0.1'] }),
    });
    expect(verdict).toEqual({
      ok: false,
      code: 'blocked-address',
      reason: expect.stringContaining('the host resolves to an address that is not allowed: loopback (127.0.0.0/8)'),
    });
    expect(JSON.stringify(verdict)).not.toContain('sneaky');
  });

  it('rejects when any one of several addresses is private', async () => {
    const resolve = resolverFrom({ 'mixed.example.com': [PUBLIC, '2606:4700::1111', '10.0.0.7'] });
    const verdict = await checkDestination('https://mixed.example.com/', { allowedPrivateTargets: none, resolve });
    expect(verdict).toMatchObject({ ok: false, code: 'blocked-address', reason: expect.stringContaining('private (10.0.0.0/8)') });
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fd00::5', 'unique-local'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
  ])('rejects a name resolving to %s (%s)', async (address, category) => {
    const verdict = await checkDestination('https://name.example.com/', {
      allowedPrivateTargets: none,
      resolve: resolverFrom({ 'name.example.com': [address] }),
    });
    expect(verdict).toMatchObject({ ok: false, code: 'blocked-address', reason: expect.stringContaining(`${category} (`) });
  });

  it('reports a name that does not resolve as unresolvable, without naming it', async () => {
    const verdict = await checkDestination('https://nowhere.invalid/', { allowedPrivateTargets: none, resolve: resolverFrom({}) });
    expect(verdict).toEqual({ ok: false, code: 'unresolvable', reason: 'host name does not resolve' });
  });

  it('gives up on a resolver that does not answer within the time limit', async () => {
    const verdict = await checkDestination('https://slow.example.com/', {
      allowedPrivateTargets: none,
      resolve: () => new Promise(() => undefined),
      lookupTimeoutMs: 50,
    });
    expect(verdict).toEqual({ ok: false, code: 'unresolvable', reason: 'host name lookup timed out' });
  });

  describe('the default resolver is dns.lookup', () => {
    afterEach(() => jest.restoreAllMocks());

    it('asks dns.lookup for every address of the name', async () => {
      const lookup = jest.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address: '127.0.0.1', family: 4 }] as never);
      const verdict = await checkDestination('https://hooks.example.com/x', { allowedPrivateTargets: none });
      expect(lookup).toHaveBeenCalledWith('hooks.example.com', expect.objectContaining({ all: true }));
      expect(verdict).toMatchObject({ ok: false, code: 'blocked-address' });
    });

    it('so "localhost" (from /etc/hosts) is refused as loopback', async () => {
      const verdict = await checkDestination('https://localhost:8443/x', { allowedPrivateTargets: none });
      expect(verdict).toMatchObject({ ok: false, code: 'blocked-address', reason: expect.stringContaining('loopback') });
    });
  });
});

describe('HERALD_ALLOWED_PRIVATE_TARGETS', () => {
  const resolve = resolverFrom({
    'printer-hub.lan': ['192.168.10.20'],
    'inspector.local': ['127.0.0.1', '::1'],
    'v6.lan': ['fd00:abcd::20'],
  });

  it.each([
    // [url, allow list, expected]
    ['http://127.0.0.1:8080/x', ['127.0.0.0/8'], 'ok'],
    ['https://127.0.0.1:8080/x', ['127.0.0.0/8'], 'ok'],
    ['http://0x7f.1:8080/x', ['127.0.0.1'], 'ok'],
    ['http://127.0.0.1:8080/x', ['10.0.0.0/8'], 'scheme'],
    ['https://127.0.0.1:8080/x', ['10.0.0.0/8'], 'blocked-address'],
    ['https://[::ffff:127.0.0.1]:8080/x', ['127.0.0.0/8'], 'ok'],
    ['https://[::1]:8080/x', ['::1/128'], 'ok'],
    ['https://[::1]:8080/x', ['127.0.0.0/8'], 'blocked-address'],
    ['https://printer-hub.lan/x', ['192.168.0.0/16'], 'ok'],
    ['https://printer-hub.lan/x', ['192.168.11.0/24'], 'blocked-address'],
    ['http://printer-hub.lan/x', ['192.168.0.0/16'], 'scheme'],
    ['http://printer-hub.lan/x', ['printer-hub.lan'], 'ok'],
    ['http://PRINTER-HUB.lan./x', ['printer-hub.lan'], 'ok'],
    ['https://inspector.local:9000/x', ['inspector.local'], 'ok'],
    ['https://inspector.local:9000/x', ['127.0.0.0/8'], 'blocked-address'],
    ['https://inspector.local:9000/x', ['127.0.0.0/8', '::1'], 'ok'],
    ['https://v6.lan/x', ['fd00::/8'], 'ok'],
    ['https://v6.lan/x', ['fd00:abcd::/32'], 'ok'],
    ['https://v6.lan/x', ['fd00:abce::/32'], 'blocked-address'],
    ['https://printer-hub.lan:22/x', ['printer-hub.lan'], 'port'],
  ])('%s with %j → %s', async (url, allowed, expected) => {
    const verdict = await checkDestination(url, { allowedPrivateTargets: allowed, resolve });
    expect(verdict.ok ? 'ok' : verdict.code).toBe(expected);
  });

  it('rejects list entries that are neither CIDR, address nor host name, naming them', () => {
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow("'10.0.0.0/33'");
    expect(() => parseAllowList(['10.0.0.0/8/1'])).toThrow('neither a CIDR');
    expect(() => parseAllowList(['fd00::/129'])).toThrow('neither a CIDR');
    expect(() => parseAllowList(['bad host!'])).toThrow('neither a CIDR');
    expect(() => parseAllowList(['hooks.lan', 'bad host!'])).toThrow(expect.objectContaining({ entry: 'bad host!' }));
    expect(() => parseAllowList(['bad host!'])).toThrow(AllowListEntryError);
    expect(parseAllowList([' 10.0.0.0/8 ', '', 'hooks.lan']).isEmpty).toBe(false);
  });

  it("an organization's list takes addresses and CIDRs only: a granted name could be re-pointed at loopback by its DNS", async () => {
    expect(() => parseAllowList(['hooks.acme-farm.example'], ORG_ALLOW_LIST_NAME)).toThrow('host names are not accepted');
    expect(() => parseAllowList(['10.0.0.0/33'], ORG_ALLOW_LIST_NAME)).toThrow("'10.0.0.0/33' is not a CIDR or an IP address");
    const orgList = parseAllowList(['192.168.20.0/24'], ORG_ALLOW_LIST_NAME);
    const rebound: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const verdict = await checkDestination('https://hooks.acme-farm.example:6379/x', { allowedPrivateTargets: orgList, resolve: rebound });
    expect(verdict.ok ? 'ok' : verdict.code).toBe('blocked-address');
  });
});
