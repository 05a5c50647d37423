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

// Issue 16, defect 1: PostgreSQL out of connection slots (53300 "too many clients") while alerts
// keep coming. Own cluster with max_connections=10, real API and worker processes.
jest.setTimeout(150_000);

const EXHAUSTED_MS = 12_000;
const HERALD_SLOTS = 2;
const hogs: pg.Client[] = [];
let inspector: pg.Client | undefined;

let herald: HeraldOnPrivateCluster;
let cluster: PrivateCluster;
let receiver: WebhookReceiver;
let worker: HeraldProcess;

beforeAll(async () => {
  herald = await startHeraldOnPrivateCluster('pgfull', { maxConnections: 10 });
  ({ cluster, receiver, worker } = herald);
});

afterAll(async () => {
  await Promise.all([...hogs, ...(inspector ? [inspector] : [])].map((client) => client.end().catch(() => undefined)));
  await herald?.close();
});

function call(method: string, path: string, body?: unknown): Promise<Response> {
  return herald.call(method, path, body, 15_000);
}

async function hog(): Promise<boolean> {
  const client = new pg.Client({ connectionString: cluster.url, application_name: 'hog' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    hogs.push(client);
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe('53300');
    return false;
  }
}

/**
 * Takes every connection slot, then ends Herald's own sessions and takes all their slots but
 * HERALD_SLOTS: the API and the worker fight over two connections (as when other clients fill
 * max_connections), so some of their statements get 53300 "too many clients".
 */
async function exhaustConnections(): Promise<number> {
  while (hogs.length < 10 && (await hog()));
  const ended = await hogs[0]?.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name <> 'hog' AND backend_type = 'client backend'`,
  );
  while (hogs.length < 10 - HERALD_SLOTS && (await hog()));
  return ended?.rowCount ?? 0;
}

/** Counts through the first held connection, kept for the test: Herald may use every other slot once they free. */
async function countRows(sql: string): Promise<number> {
  return Number((await inspector?.query<{ n: string }>(sql))?.rows[0]?.n ?? Number.NaN);
}

test('with every connection slot taken, ingest answers 202 or 503 + Retry-After, and every accepted alert is delivered once slots free', async () => {
  receiver.on('/full', () => ({ status: 204 }));
  expect((await call('POST', '/v1/webhooks', { name: 'full', url: receiver.url('/full'), type: 'generic' })).status).toBe(201);
  // Warm up: the processes hold a few pooled connections, as a running Herald does.
  expect((await call('POST', '/v1/alerts', { type: 'print_failed', title: 'warm', message: 'm', printer_id: 1 })).status).toBe(202);
  await receiver.waitFor(() => receiver.requestsFor('/full').length >= 1, 20_000);

  const sessionsEnded = await exhaustConnections();
  expect(sessionsEnded).toBeGreaterThan(0);
  const accepted = new Set<string>();
  const refused: string[] = [];
  const other: string[] = [];
  let sent = 0;
  const until = Date.now() + EXHAUSTED_MS;
  // 20 alerts/s, each request on its own, while no connection slot is free.
  const requests: Promise<void>[] = [];
  while (Date.now() < until) {
    const title = `full ${sent++}`;
    requests.push(
      call('POST', '/v1/alerts', { type: 'print_failed', title, message: 'm', printer_id: 1 }).then(
        (response) => {
          if (response.status === 202) accepted.add(title);
          else if (response.status === 503 && Number(response.headers.get('retry-after')) > 0) refused.push(title);
          else other.push(`${title}: ${response.status}`);
        },
        (error: unknown) => void other.push(`${title}: ${(error as Error).message}`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(requests);
  inspector = hogs.shift();
  await Promise.all(hogs.splice(0).map((client) => client.end()));
  const freedAt = Date.now();

  const titlesSeen = () => new Set(receiver.requestsFor('/full').map((r) => (r.json as { title: string }).title));
  await receiver.waitFor(() => [...accepted].every((title) => titlesSeen().has(title)), 60_000);
  const recoveryMs = Date.now() - freedAt;

  expect(other).toEqual([]);
  expect(worker?.output()).toMatch(/database unreachable: pausing work/);
  expect(await countRows(`SELECT count(*) AS n FROM alerts WHERE status = 'queued'`)).toBe(0);
  // Nothing refused was half-saved.
  expect(await countRows(`SELECT count(*) AS n FROM alerts WHERE title LIKE 'full %'`)).toBe(accepted.size);

  const deliveryIds = receiver.requestsFor('/full').map((r) => String(r.headers['webhook-id']));
  const figures = countDeliveries(accepted.size + 1, deliveryIds);
  reportFault('postgres-connections-exhausted', {
    ...figures,
    sent: accepted.size + 1,
    requests: sent,
    refused_503: refused.length,
    exhausted_ms: EXHAUSTED_MS,
    recovery_ms: recoveryMs,
  });
  expect(figures.lost).toBe(0);
});
