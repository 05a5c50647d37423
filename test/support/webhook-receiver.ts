import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
  receivedAtMs: number;
}

/** What the receiver answers for one request; defaults to 204. */
export type Responder = (
  request: ReceivedRequest,
  countForPath: number,
) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang' | 'reset';

/** A real local HTTP server standing in for Discord, Slack or a generic endpoint. */
export interface WebhookReceiver {
  url(path: string): string;
  requests: ReceivedRequest[];
  on(path: string, responder: Responder): void;
  requestsFor(path: string): ReceivedRequest[];
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const responders = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const path = req.url ?? '/';
      const record: ReceivedRequest = { method: req.method ?? '', path, headers: req.headers, body, json, receivedAtMs: Date.now() };
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      requests.push(record);
      const answer = responders.get(path)?.(record, count) ?? { status: 204 };
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      const respond = () => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    on: (path, responder) => responders.set(path, responder),
    requestsFor: (path) => requests.filter((r) => r.path === path),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > deadline)
          throw new Error(`receiver: condition not met within ${timeoutMs} ms (${requests.length} requests so far)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
