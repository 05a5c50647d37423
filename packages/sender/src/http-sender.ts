import { Agent, errors as undiciErrors, request } from 'undici';

const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  /**
   * The SSRF guard this request's connections go through (an organization's allow-list or the
   * system's); default: the sender's `connect`. Pools are kept per policy, so a connection opened
   * under one allow-list never carries a request judged by another.
   */
  networkPolicy?: NetworkPolicy;
}

type Connector = ConstructorParameters<typeof Agent>[0] extends infer O ? (O extends { connect?: infer C } ? C : never) : never;

/** A connect function and an id that changes whenever what it allows changes (see @herald/net-guard createGuardPolicies). */
export interface NetworkPolicy {
  readonly id: string;
  readonly connect: Connector;
}

export interface SendResult {
  /** Undefined when no response came back (network error, timeout). */
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  /** First 64 KiB of the body, for Retry-After hints in JSON; the rest is discarded. */
  bodyText: string;
  durationMs: number;
  /** Set when no response came back: a stable class name such as `timeout` or `connection_refused`. */
  errorClass?: string;
  error?: string;
}

export interface HttpSender {
  send(request: SendRequest): Promise<SendResult>;
  /** Waits for requests in flight, then closes the connections. */
  close(): Promise<void>;
  /** Aborts requests in flight and closes the connections (after the shutdown grace period). */
  destroy(): Promise<void>;
}

export interface HttpSenderOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /**
   * Connections per origin, for a sender no in-flight limiter stands in front of (the API's test
   * send, a worker with rate limits off); default: as many as requests run at once.
   */
  connectionsPerOrigin?: number;
  /** A policy's pool unused this long is closed (default 2 minutes). */
  idlePoolMs?: number;
  /** Replaces DNS resolution and connection (the SSRF guard connects to checked addresses only). */
  connect?: Connector;
}

function classifyError(error: unknown): { errorClass: string; message: string } {
  const err = error as { code?: string; name?: string; message?: string };
  // The SSRF guard refused the destination (@herald/net-guard); its message names the reason, never the URL.
  if (err.code === 'HERALD_SSRF_BLOCKED')
    return { errorClass: 'ssrf_blocked', message: err.message ?? 'destination blocked by the SSRF guard' };
  if (error instanceof undiciErrors.ConnectTimeoutError) return { errorClass: 'connect_timeout', message: 'connect timeout' };
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return { errorClass: 'timeout', message: 'response timeout' };
  }
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return { errorClass: 'timeout', message: 'request timeout' };
  if (error instanceof undiciErrors.SocketError) return { errorClass: 'connection_reset', message: 'connection closed by peer' };
  switch (err.code) {
    case 'ECONNREFUSED':
      return { errorClass: 'connection_refused', message: 'connection refused' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { errorClass: 'connection_reset', message: 'connection reset' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { errorClass: 'dns', message: 'host not found' };
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { errorClass: 'tls', message: 'TLS certificate rejected' };
    default:
      // Messages from the network stack can quote the URL; keep only the code.
      return { errorClass: 'network', message: err.code ? `network error ${err.code}` : 'network error' };
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
    size += chunk.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs with pooled undici dispatchers, one per network policy; never follows redirects, never
 * throws for HTTP outcomes. A pool opens as many connections to an origin as requests run at once
 * (no per-origin connection cap: the endpoint limiter caps requests in flight per endpoint and per
 * host:port), so a request never waits for a socket behind hung ones, its timeout covers the
 * request itself, and the sockets a worker holds follow its concurrency, not how many webhooks
 * share a host (2,000 webhooks on one receiver reuse the same few keep-alive connections).
 */
export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const idlePoolMs = options.idlePoolMs ?? 120_000;
  const newDispatcher = (policy?: NetworkPolicy) =>
    new Agent({
      connect: policy?.connect ?? options.connect ?? { timeout: options.connectTimeoutMs },
      connectTimeout: options.connectTimeoutMs,
      connections: options.connectionsPerOrigin ?? null,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  const shared = newDispatcher();
  const pools = new Map<string, { dispatcher: Agent; lastUsedMs: number; inFlight: number }>();
  const dispatcherFor = (policy: NetworkPolicy | undefined) => {
    if (policy === undefined) return { dispatcher: shared, done: () => undefined };
    let pool = pools.get(policy.id);
    if (!pool) {
      pool = { dispatcher: newDispatcher(policy), lastUsedMs: Date.now(), inFlight: 0 };
      pools.set(policy.id, pool);
    }
    const entry = pool;
    entry.inFlight += 1;
    return {
      dispatcher: entry.dispatcher,
      done: () => {
        entry.inFlight -= 1;
        entry.lastUsedMs = Date.now();
      },
    };
  };
  // Policies no longer used (an allow-list changed) give their sockets back.
  const reaper = setInterval(
    () => {
      const idleBefore = Date.now() - idlePoolMs;
      for (const [key, pool] of pools) {
        if (pool.inFlight === 0 && pool.lastUsedMs < idleBefore) {
          pools.delete(key);
          void pool.dispatcher.close().catch(() => undefined);
        }
      }
    },
    Math.min(idlePoolMs, 60_000),
  );
  reaper.unref();
  const all = () => [shared, ...[...pools.values()].map((pool) => pool.dispatcher)];

  return {
    async send({ url, body, headers, networkPolicy }) {
      const started = performance.now();
      const { dispatcher, done } = dispatcherFor(networkPolicy);
      // Not AbortSignal.timeout: its timer and signal outlive a request that answered in
      // milliseconds (each fires after requestTimeoutMs, building a TimeoutError), which under load
      // kept tens of thousands of them in the worker's heap. This timer ends with the request.
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
        options.requestTimeoutMs,
      );
      timer.unref();
      try {
        const response = await request(url, {
          method: 'POST',
          body,
          headers,
          dispatcher,
          signal: timeout.signal,
        });
        const bodyText = await readCapped(response.body);
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          bodyText,
          durationMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        const { errorClass, message } = classifyError(error);
        return { headers: {}, bodyText: '', durationMs: Math.round(performance.now() - started), errorClass, error: message };
      } finally {
        clearTimeout(timer);
        done();
      }
    },
    async close() {
      clearInterval(reaper);
      await Promise.all(all().map((dispatcher) => dispatcher.close()));
    },
    async destroy() {
      clearInterval(reaper);
      await Promise.all(all().map((dispatcher) => dispatcher.destroy()));
    },
  };
}
