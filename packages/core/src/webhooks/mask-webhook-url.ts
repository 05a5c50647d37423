const HIDDEN = '••••';
/** Below this many path characters, showing four of them would give away too much of the secret. */
const MIN_PATH_LENGTH_FOR_TAIL = 12;

/**
 * A webhook URL safe to show: scheme, host and the last four characters of the path, e.g.
 * `https://discord.com/…/••••wxyz`. User info, query and fragment never appear (they can hold
 * credentials), nor does any more of the path; an unparseable URL shows nothing at all.
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
  return `${scheme}://${parsed.host}/…/${HIDDEN}${tail}`;
}
