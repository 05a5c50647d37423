/** Where a request really goes, for the in-flight caps (see `destinationOf`). */
export interface RequestDestination {
  /** Scheme, canonical host, effective port and normalised path. */
  endpoint: string;
  /** Scheme-independent canonical host:port. */
  hostPort: string;
}

const MAPPED_IPV4 = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/;

/** `[::ffff:7f00:1]` (how URL writes `[::ffff:127.0.0.1]`) is the IPv4 address 127.0.0.1. */
function canonicalHost(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const mapped = MAPPED_IPV4.exec(host);
  if (!mapped) return host;
  const high = parseInt(mapped[1] as string, 16);
  const low = parseInt(mapped[2] as string, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * RFC 3986 §6.2.2 normalisation of a path: percent-encoded unreserved characters decoded
 * (`/%61bc` is `/abc`), the other escapes in upper case.
 */
function canonicalPath(pathname: string): string {
  return pathname.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * Where a request really goes, for the in-flight caps: URLs that differ only in spelling (query,
 * fragment, credentials, host case, a trailing dot, a default port, an IPv4-mapped IPv6 address,
 * percent-encoding of plain characters) share one endpoint and one host:port.
 */
export function destinationOf(url: string): RequestDestination {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { endpoint: 'invalid', hostPort: 'invalid' };
  }
  const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const hostPort = `${canonicalHost(parsed.hostname)}:${port}`;
  return { endpoint: `${parsed.protocol}//${hostPort}${canonicalPath(parsed.pathname)}`, hostPort };
}
