import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeEqual } from '@herald/crypto';
import type { HeraldMetrics } from './herald-metrics';

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464 */
  address: string;
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  metrics: HeraldMetrics;
  host: string;
  port: number;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
  /** GET /readyz answers 200 while this holds, else 503 (no token needed, like the API's). */
  ready?(): boolean | Promise<boolean>;
}

/** A bare `GET /metrics` listener for processes without the HTTP API (a separate delivery worker). */
export async function startMetricsListener(options: MetricsListenerOptions): Promise<MetricsListener> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/readyz' && options.ready) {
      const check = options.ready;
      void Promise.resolve()
        .then(() => check())
        .catch(() => false)
        .then((ready) =>
          response
            .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ready ? 'ready' : 'degraded' })),
        );
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'not_found', message: 'only GET /metrics here' }));
      return;
    }
    if (options.token) {
      const header = request.headers.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!presented || !safeEqual(presented, options.token)) {
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'unauthorized', message: 'missing or invalid bearer token' }));
        return;
      }
    }
    options.metrics.render().then(
      (body) => response.writeHead(200, { 'content-type': options.metrics.contentType }).end(body),
      () =>
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'internal', message: 'could not collect metrics' })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    address: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would otherwise hold the close open.
        server.closeAllConnections();
      }),
  };
}
