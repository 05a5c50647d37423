import http from 'node:http';

/**
 * The benchmark's stand-in for Discord, Slack and generic endpoints: answers 204 (after an
 * optional delay) and records, per alert sequence number and endpoint, when each copy arrived.
 * Titles look like `bench <seq> <sentAtMs>`.
 */
const latencyMs = Number(process.env.RECEIVER_LATENCY_MS ?? 0);
const arrivals = new Map<string, number>();
let duplicates = 0;
let firstAtMs = 0;
let lastAtMs = 0;
let latencies: number[] = [];

function titleOf(body: string): string | null {
  const match = /bench (\d+) (\d+)/.exec(body);
  return match ? `${match[1]} ${match[2]}` : null;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/stats' || req.url === '/stats/brief')) {
    // Brief: without the latency list (100,000 numbers in the wide fan-out scenario).
    const brief = req.url === '/stats/brief';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: arrivals.size, duplicates, firstAtMs, lastAtMs, ...(brief ? {} : { latencies }) }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    arrivals.clear();
    duplicates = 0;
    firstAtMs = 0;
    lastAtMs = 0;
    latencies = [];
    res.writeHead(204).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const now = Date.now();
    const title = titleOf(Buffer.concat(chunks).toString('utf8'));
    if (title) {
      const key = `${req.url} ${title}`;
      if (arrivals.has(key)) duplicates += 1;
      else {
        arrivals.set(key, now);
        latencies.push(now - Number(title.split(' ')[1]));
      }
      if (!firstAtMs) firstAtMs = now;
      lastAtMs = now;
    }
    const answer = () => res.writeHead(204).end();
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.RECEIVER_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`receiver listening on ${address.port}\n`);
});
