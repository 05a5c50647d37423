import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  endpoint: string;
  body: unknown;
  headers: http.IncomingHttpHeaders;
  atMs: number;
}

/** The demo's stand-in for every service: a real local HTTP server; the first path segment names the service. */
export async function startInspector(
  onArrival: (arrival: Arrival) => void,
): Promise<{ url(endpoint: string): string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      res.writeHead(204).end();
      onArrival({ endpoint: (req.url ?? '/').split(/[/?]/)[1] ?? '', body, headers: req.headers, atMs: Date.now() });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (endpoint) => `http://127.0.0.1:${port}/${endpoint}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
