import type { FastifyRequest } from 'fastify';
import { parseIpLiteral } from '@herald/net-guard';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** The Host header without a default port, lower-cased: what a same-origin page's URL host is. */
function hostOf(request: FastifyRequest): string | null {
  const host = request.headers.host?.toLowerCase();
  if (!host) return null;
  return host.replace(/:(80|443)$/, '');
}

/** The origin a browser says the request comes from: Origin, or else the Referer's origin. */
function claimedOrigin(request: FastifyRequest): URL | 'absent' | 'unreadable' {
  const raw = request.headers.origin ?? request.headers.referer;
  if (raw === undefined || raw === '') return 'absent';
  try {
    return new URL(raw);
  } catch {
    return 'unreadable';
  }
}

/**
 * Why a browser request does not come from Herald's own pages (null when it does). Herald's origin is
 * the one the browser addressed (the Host header), so it holds behind a reverse proxy that keeps Host.
 * `required` false lets clients that send no Origin and no Referer (curl, scripts) through.
 */
export function crossOriginProblem(request: FastifyRequest, required: boolean): string | null {
  const origin = claimedOrigin(request);
  if (origin === 'absent') return required ? 'an Origin (or Referer) header is required with the session cookie' : null;
  if (origin === 'unreadable') return 'the Origin (or Referer) header is not a URL';
  const host = hostOf(request);
  const port = origin.port || DEFAULT_PORTS[origin.protocol];
  const originHost = port && port !== DEFAULT_PORTS[origin.protocol] ? `${origin.hostname}:${port}` : origin.hostname;
  if (!(origin.protocol === 'http:' || origin.protocol === 'https:') || host === null || originHost.toLowerCase() !== host) {
    return "the Origin (or Referer) header names another site than this server's";
  }
  return null;
}

/**
 * Plain-HTTP use on the same machine (http://127.0.0.1, http://localhost) or outside production:
 * the cookie then goes without `Secure`, which browsers would otherwise drop over http.
 */
export function cookieMaySkipSecure(request: FastifyRequest, mode: string): boolean {
  if (request.protocol === 'https') return false;
  if (mode !== 'production') return true;
  const hostname = request.hostname.toLowerCase();
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const ip = parseIpLiteral(hostname);
  return (
    ip !== undefined &&
    ((ip.version === 4 && ip.bytes[0] === 127) || (ip.version === 6 && ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0))))
  );
}
