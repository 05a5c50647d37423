const HIDDEN = '••••';
/** Below this many path characters, showing four of them would give away too much of the secret. */
const MIN_PATH_LENGTH_FOR_TAIL = 12;
/** Host labels shown: enough to recognise the service, never a secret subdomain (`<token>.m.pipedream.net`). */
const CLEAR_HOST_LABELS = 2;

const IPV4_HOST = /^\d+\.\d+\.\d+\.\d+$/;

/** The host (and port) as shown: IP literals whole, names by their last two labels only. */
function maskHost(parsed: URL): string {
  const hostname = parsed.hostname.replace(/\.$/, '');
  const labels = hostname.split('.');
  if (hostname.startsWith('[') || IPV4_HOST.test(hostname) || labels.length <= CLEAR_HOST_LABELS) return parsed.host;
  return `…${labels.slice(-CLEAR_HOST_LABELS).join('.')}${parsed.port ? `:${parsed.port}` : ''}`;
}

/**
 * A webhook URL safe to show: scheme, the host's last two labels and the last four characters of
 * the path, e.g. `https://discord.com/…/••••wxyz` or `https://…pipedream.net/…/••••wxyz`; a path
 * shorter than 12 characters shows none of itself, e.g. `http://127.0.0.1:9/…/••••`. User
 * info, query and fragment never appear (they can hold credentials), nor does any more of the host
 * or path; an unparseable URL shows nothing at all.
 */
export function maskWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return HIDDEN;
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
  const tail = path.length >= MIN_PATH_LENGTH_FOR_TAIL ? path.slice(-4) : '';
  return `${scheme}://${maskHost(parsed)}/…/${HIDDEN}${tail}`;
}
