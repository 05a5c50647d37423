import { blockedRangeOf, formatIp, parseIpLiteral, parseIpv4Loose } from '../src';

const text = (host: string) => {
  const address = parseIpLiteral(host);
  return address === undefined ? undefined : formatIp(address);
};

describe('IP literals in every notation the OS accepts', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0x7f.0x0.0x0.0x1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['2852039166', '169.254.169.254'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['::1', '::1'],
    ['[::]', '::'],
    ['[2001:DB8:0:0:1::1]', '2001:db8::1:0:0:1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s is %s', (host, expected) => {
    expect(text(host)).toBe(expected);
  });

  it.each([
    'example.com',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.256.0.1',
    '0x100.1',
    '08.0.0.1',
    '4294967296',
    '127..1',
    '',
    'localhost',
    '1e3',
    '[::ffff:1.2.3]',
  ])('%s is not an IP literal', (host) => {
    expect(text(host)).toBeUndefined();
  });

  it('agrees with the WHATWG URL parser on odd IPv4 forms', () => {
    for (const host of ['0x7f.1', '2130706433', '017700000001', '127.1', '0xa9.0xfe.0xa9.0xfe', '0']) {
      const address = parseIpv4Loose(host);
      expect(address && formatIp(address)).toBe(new URL(`http://${host}/`).hostname);
    }
  });
});

describe('blocked address ranges', () => {
  const categoryOf = (host: string) => {
    const address = parseIpLiteral(host);
    if (address === undefined) throw new Error(`not an address: ${host}`);
    return blockedRangeOf(address)?.category ?? 'public';
  };

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['198.18.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['2001::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['64:ff9b::808:808', 'public'],
  ])('%s is %s', (host, category) => {
    expect(categoryOf(host)).toBe(category);
  });
});
