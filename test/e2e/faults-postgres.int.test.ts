import pg from 'pg';
import type { WebhookReceiver } from '../support/webhook-receiver';
import type { HeraldProcess } from '../support/processes';
import {
  countDeliveries,
  reportFault,
  startHeraldOnPrivateCluster,
  type HeraldOnPrivateCluster,
  type PrivateCluster,
} from '../../packages/delivery/test/support/fault-kit';

// PostgreSQL stopped for 20 s while alerts keep coming: a throw-away cluster, real API and worker processes.
jest.setTimeout(150_000);

const OUTAGE_MS = 20_000;

let herald: HeraldOnPrivateCluster;
let cluster: PrivateCluster;
let receiver: WebhookReceiver;
let worker: HeraldProcess;

beforeAll(async () => {
  herald = await startHeraldOnPrivateCluster('pgfault');
  ({ cluster, receiver, worker } = herald);
});

afterAll(async () => {
  await herald?.close();
});

function call(method: string, path: string, body?: unknown): Promise<Response> {
  return herald.call(method, path, body, 10_000);
}

test('ingest answers 503 with Retry-After while it is down and saves nothing half-way; workers pause, resume, and lose nothing', async () => {
  receiver.on('/pg', () => ({ status: 204, delayMs: 10 }));
  expect((await call('POST', '/v1/webhooks', { name: 'pg', url: receiver.url('/pg'), type: 'generic' })).status).toBe(201);

  const accepted = new Set<string>();
  const refused: string[] = [];
  const other: string[] = [];
  let sent = 0;
  let producing = true;
  // One alert every 100 ms for the whole run: before, during and after the outage.
  const producer = (async () => {
    while (producing) {
      const title = `pg ${sent++}`;
      try {
        const response = await call('POST', '/v1/alerts', { type: 'print_failed', title, message: 'm', printer_id: 1 });
        if (response.status === 202) accepted.add(title);
        else if (response.status === 503 && Number(response.headers.get('retry-after')) > 0) refused.push(title);
        else other.push(`${title}: ${response.status}`);
      } catch (error) {
        other.push(`${title}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  await receiver.waitFor(() => receiver.requestsFor('/pg').length >= 10, 20_000);
  await cluster.stop();
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await cluster.start();
  const outageMs = Date.now() - stoppedAt;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  producing = false;
  await producer;

  const titlesSeen = () => new Set(receiver.requestsFor('/pg').map((r) => (r.json as { title: string }).title));
  await receiver.waitFor(() => [...accepted].every((title) => titlesSeen().has(title)), 60_000);

  // Exactly the accepted alerts are in the database: nothing refused was half-saved.
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  const saved = (await client.query<{ title: string }>('SELECT title FROM alerts')).rows.map((r) => r.title);
  await client.end();
  expect(other).toEqual([]);
  expect(new Set(saved)).toEqual(accepted);
  expect(refused.length).toBeGreaterThan(10);
  expect(refused.every((title) => !saved.includes(title))).toBe(true);

  // The worker paused while the database was away and resumed after.
  expect(worker?.output()).toMatch(/database unreachable: pausing work/);
  expect(worker?.output()).toMatch(/database reachable again: resuming work/);

  const deliveryIds = receiver.requestsFor('/pg').map((r) => String(r.headers['webhook-id']));
  const figures = countDeliveries(accepted.size, deliveryIds);
  reportFault('postgres-down', { sent: accepted.size, ...figures, refused_503: refused.length, outage_ms: outageMs });
  expect(figures.lost).toBe(0);
  expect([...titlesSeen()].every((title) => accepted.has(title))).toBe(true);
});
