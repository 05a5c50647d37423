import dns from 'node:dns';

/** One address a host name resolves to, as dns.lookup({all: true}) reports it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family?: number;
}

/** Resolves a host name to every address it has. Rejects (with a `code`, like dns.lookup) when it has none. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address, in the order it gives them. */
export const systemResolver: HostResolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** The resolver failed or gave no address. The message never names the host. */
export class UnresolvableHostError extends Error {
  constructor(readonly code: string) {
    super(code === 'ETIMEOUT' ? 'host name lookup timed out' : 'host name does not resolve');
    this.name = 'UnresolvableHostError';
  }
}

/** Runs `resolve` with a time limit; any failure becomes an UnresolvableHostError carrying the resolver's code. */
export async function resolveWithin(resolve: HostResolver, hostname: string, timeoutMs: number): Promise<readonly ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnresolvableHostError('ETIMEOUT')), timeoutMs);
    timer.unref();
  });
  try {
    const addresses = await Promise.race([resolve(hostname), timeout]);
    if (addresses.length === 0) throw new UnresolvableHostError('ENODATA');
    return addresses;
  } catch (error) {
    if (error instanceof UnresolvableHostError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new UnresolvableHostError(typeof code === 'string' ? code : 'ENOTFOUND');
  } finally {
    clearTimeout(timer);
  }
}
