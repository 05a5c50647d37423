import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALERT_TYPES, DEFAULT_SEVERITY_BY_TYPE } from '@herald/core';
import { loadConfig } from '@herald/config';
import { startSingleNode } from '@herald/runtime';
import { Redis } from 'ioredis';
import { startInspector, type Arrival } from './inspector';
import { renderArrival, renderSummary } from './render';

const ENDPOINTS = ['discord', 'slack', 'generic', 'telegram', 'ntfy', 'teams', 'pushover', 'whatsapp'] as const;

// Each service's URL shape, pasted on the inspector's origin: Herald infers the type from it (ntfy,
// whose topic URL has no tell-tale shape, is named) and sends there, as it would to the real service.
const CHANNEL_PATHS = {
  telegram: 'telegram/bot123456:DEMO-bot-token/sendMessage?chat_id=-1001234567890',
  ntfy: 'ntfy/printfarm',
  teams: 'teams/workflows/demo/triggers/manual/paths/invoke?api-version=2016-06-01&sig=demo',
  pushover: 'pushover/1/messages.json?token=aDemoApplicationToken000000000&user=uDemoUserKey000000000000000000',
  whatsapp: 'whatsapp/v21.0/106540352242922/messages?to=4915112345678&access_token=DEMO_access_token_0000',
};
const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm run demo`: single-node Herald, a local inspector standing in for every service (Discord,
 * Slack, a generic endpoint, Telegram, ntfy, Teams, Pushover, WhatsApp), everything registered
 * through the public API, all 14 alert types sent.
 */
async function main(): Promise<number> {
  const color = process.stdout.isTTY === true;
  const arrivals: Arrival[] = [];
  const inspector = await startInspector((arrival) => {
    arrivals.push(arrival);
    out(renderArrival(arrival, color));
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-demo-'));
  const adminToken = `demo-${Math.random().toString(36).slice(2)}`;
  const config = loadConfig({
    ...process.env,
    HERALD_DATA_DIR: dataDir,
    HERALD_ADMIN_TOKEN: adminToken,
    HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
    HERALD_QUEUE_PREFIX: `{herald-demo-${process.pid}}`,
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  out(`Starting single-node Herald (${config.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}) ...`);
  const node = await startSingleNode(config);
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${node.api.address}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json().catch(() => null)) as { id?: number } | null;
    if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };
  try {
    out(`Herald API at ${node.api.address}; inspector listening on ${inspector.url('')}`);
    const org = (await api('POST', '/v1/orgs', {
      name: 'Demo Print Farm',
      enterprise: true,
      allowed_private_targets: ['127.0.0.0/8'],
    })) as { id: number };
    await api('PUT', '/v1/printers/3', { name: 'X1C', org_id: org.id });
    await api('PUT', '/v1/printers/4', { name: 'MK4', org_id: org.id });
    await api('POST', '/v1/webhooks', { name: 'Ops Discord', url: inspector.url('discord'), type: 'discord' });
    await api('POST', '/v1/webhooks', { name: 'Ops Slack', url: inspector.url('slack'), type: 'slack' });
    await api('POST', `/v1/orgs/${org.id}/webhooks`, { name: 'Farm automation', url: inspector.url('generic'), type: 'generic' });
    await api('POST', '/v1/webhooks', { name: 'Farm Telegram group', url: inspector.url(CHANNEL_PATHS.telegram) });
    await api('POST', '/v1/webhooks', {
      name: 'Phone push',
      url: inspector.url(CHANNEL_PATHS.ntfy),
      type: 'ntfy',
      headers: { Authorization: 'Bearer tk_demo' },
    });
    await api('POST', '/v1/webhooks', { name: 'Makerspace Teams', url: inspector.url(CHANNEL_PATHS.teams), type: 'teams' });
    await api('POST', '/v1/webhooks', { name: 'Night shift Pushover', url: inspector.url(CHANNEL_PATHS.pushover) });
    // WhatsApp paces one message per 6 s to a recipient (bursts of 10); the demo sets a quicker pace.
    await api('POST', '/v1/webhooks', {
      name: 'Owner WhatsApp',
      url: inspector.url(CHANNEL_PATHS.whatsapp),
      rate_limit: { limit: 2, interval_ms: 1000 },
    });
    out(`Registered 1 organization, 2 printers, ${ENDPOINTS.length} webhooks (${ENDPOINTS.join(', ')}). Sending all 14 alert types ...`);
    out();

    const sentAt = new Map<string, number>();
    for (const [index, type] of ALERT_TYPES.entries()) {
      const printer = index % 2 === 0 ? { id: 3, name: 'X1C' } : { id: 4, name: 'MK4' };
      sentAt.set(type, Date.now());
      await api('POST', '/v1/alerts', {
        type,
        title: `${type.replace(/_/g, ' ')} (${printer.name})`,
        message: `Demo ${DEFAULT_SEVERITY_BY_TYPE[type]} alert from printer ${printer.name}.`,
        printer_id: printer.id,
      });
    }
    const deadline = Date.now() + 40_000;
    while (arrivals.length < ALERT_TYPES.length * ENDPOINTS.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const typeOf = (arrival: Arrival): string | undefined => {
      const text = JSON.stringify(arrival.body);
      return ALERT_TYPES.find((type) => text.includes(`${type.replace(/_/g, ' ')} (`));
    };
    const rows = ALERT_TYPES.map((type) => ({
      type,
      latencies: Object.fromEntries(
        ENDPOINTS.map((endpoint) => {
          const arrival = arrivals.find((a) => a.endpoint === endpoint && typeOf(a) === type);
          return [endpoint, arrival ? arrival.atMs - (sentAt.get(type) ?? arrival.atMs) : null];
        }),
      ),
    }));
    out();
    out(renderSummary(rows, [...ENDPOINTS]));
    const missing = rows.flatMap((row) => ENDPOINTS.filter((e) => row.latencies[e] === null).map((e) => `${row.type} → ${e}`));
    out();
    if (missing.length > 0) {
      out(`${missing.length} deliveries missing: ${missing.join(', ')}`);
      return 1;
    }
    out(`All ${ALERT_TYPES.length * ENDPOINTS.length} deliveries arrived.`);
    out('Slack is paced at 1 request per second (burst 3), Discord at 5 per 2 seconds and Telegram groups at 20 per minute,');
    out('the limits those services enforce (see docs/channels.md).');
    return (await odinStep(api, arrivals)) ? 0 : 1;
  } finally {
    await node.stop();
    await removeDemoKeys(config.redisUrl, config.queuePrefix);
    await inspector.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** O.D.I.N.'s documented generic webhook payload, byte for byte as its Settings → Notifications → Webhooks send it. */
const ODIN_GENERIC_PAYLOAD = {
  type: 'print_complete',
  severity: 'info',
  title: 'Print Complete: Benchy (X1C)',
  message: 'Job #142 completed on X1C after 1h 23m.',
  printer_id: 3,
  printer_name: 'X1C',
  timestamp: 1740480000.0,
};

/**
 * The farm connected: an O.D.I.N. ingest URL is created, O.D.I.N.'s exact generic payload is posted
 * to it without any header (as O.D.I.N. does), and it fans out to every webhook.
 */
async function odinStep(api: (method: string, route: string, body?: unknown) => Promise<unknown>, arrivals: Arrival[]): Promise<boolean> {
  out();
  const source = (await api('POST', '/v1/ingest-sources', { name: 'O.D.I.N.', kind: 'odin' })) as { url: string };
  const masked = source.url.replace(/\/v1\/ingest\/.*(.{4})$/, '/v1/ingest/••••$1');
  out(
    `O.D.I.N. step: created an ingest URL (${masked}); paste such a URL into O.D.I.N.'s Settings → Notifications → Webhooks as a generic webhook.`,
  );
  out("Posting O.D.I.N.'s generic webhook payload to it, without any header ...");
  out();
  const before = arrivals.length;
  const sentAt = Date.now();
  const response = await fetch(source.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ODIN_GENERIC_PAYLOAD),
  });
  if (response.status !== 202) {
    out(`The ingest URL answered ${response.status}: ${await response.text()}`);
    return false;
  }
  // Every alert before it has arrived (the summary said so): what arrives now is O.D.I.N.'s.
  const fromOdin = () => arrivals.slice(before);
  const reached = () => new Set(fromOdin().map((arrival) => arrival.endpoint));
  const deadline = Date.now() + 40_000;
  while (reached().size < ENDPOINTS.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const received = fromOdin();
  out();
  const missing = ENDPOINTS.filter((endpoint) => !reached().has(endpoint));
  if (missing.length > 0) {
    out(`O.D.I.N.'s alert did not reach: ${missing.join(', ')}`);
    return false;
  }
  const slowest = Math.max(...received.map((arrival) => arrival.atMs - sentAt));
  out(`O.D.I.N.'s alert reached all ${ENDPOINTS.length} webhooks (${ENDPOINTS.join(', ')}) within ${slowest} ms.`);
  return true;
}

/** The demo's queues live under their own prefix in the user's Redis: gone when it ends. */
async function removeDemoKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // A Redis that single-node started for itself is gone already, and its keys with it.
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
