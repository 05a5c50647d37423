import { startHarness, type Harness } from '../support/herald-harness';
import { startRedisCluster, startSentinelTopology, type RedisClusterTopology, type SentinelTopology } from '../support/redis-topologies';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(90_000);

function alert(i: number) {
  return { type: 'print_complete', title: `Alert ${i}`, message: `number ${i}`, printer_id: 1 };
}

function title(request: ReceivedRequest): string {
  return (request.json as { title: string }).title;
}

/** Longest stretch, in ms, with no delivery arriving between `fromMs` and the last delivery. */
function longestGapMs(requests: ReceivedRequest[], fromMs: number): number {
  const times = [fromMs, ...requests.map((r) => r.receivedAtMs).filter((t) => t >= fromMs)].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}

async function createGenericWebhook(herald: Harness, receiver: WebhookReceiver, path: string): Promise<void> {
  const created = await herald.request('POST', '/v1/webhooks', { name: 'ha', url: receiver.url(path), type: 'generic' });
  expect(created.status).toBe(201);
}

describe('Redis Sentinel: the primary dies mid-burst', () => {
  let receiver: WebhookReceiver;
  let topology: SentinelTopology;
  let herald: Harness | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    topology = await startSentinelTopology();
  });
  afterAll(async () => {
    await herald?.close();
    await topology?.stop();
    await receiver?.close();
  });

  test('after the failover every accepted alert is delivered; a repeat carries the same webhook-id', async () => {
    herald = await startHarness({ env: { REDIS_SENTINELS: topology.sentinels, REDIS_SENTINEL_NAME: topology.name } });
    await createGenericWebhook(herald, receiver, '/sentinel');
    expect((await herald.request('POST', '/v1/alerts', alert(0))).status).toBe(202);
    await receiver.waitFor(() => receiver.requestsFor('/sentinel').length === 1, 15_000);

    // 80 alerts over about 8 s; the primary is SIGKILLed after the first 20.
    const accepted = new Set<string>(['Alert 0']);
    let killedAtMs = 0;
    for (let i = 1; i <= 80; i++) {
      if (i === 21) {
        await topology.killPrimary();
        killedAtMs = Date.now();
      }
      const response = await herald.request('POST', '/v1/alerts', alert(i));
      if (response.status === 202) accepted.add(`Alert ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(accepted.size).toBe(81);
    await receiver.waitFor(() => new Set(receiver.requestsFor('/sentinel').map(title)).size === accepted.size, 45_000);

    const requests = receiver.requestsFor('/sentinel');
    const delivered = new Set(requests.map(title));
    const lost = [...accepted].filter((t) => !delivered.has(t));
    expect(lost).toEqual([]);
    // A repeat (the job was lost with the primary's last writes and re-enqueued by the sweeper) is the same message.
    const idsByTitle = new Map<string, Set<string>>();
    for (const request of requests) {
      const ids = idsByTitle.get(title(request)) ?? new Set<string>();
      ids.add(String(request.headers['webhook-id']));
      idsByTitle.set(title(request), ids);
    }
    expect([...idsByTitle.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    expect(topology.currentPrimaryPort()).not.toBe(topology.primaryPort);
    const gapSeconds = longestGapMs(requests, killedAtMs) / 1000;
    console.log(
      `sentinel failover: accepted ${accepted.size}, delivered ${delivered.size}, lost ${lost.length}, ` +
        `duplicates ${requests.length - delivered.size}, longest gap without deliveries ${gapSeconds.toFixed(1)} s`,
    );
  });
});

describe('Redis Cluster: three primaries', () => {
  let receiver: WebhookReceiver;
  let cluster: RedisClusterTopology;
  let herald: Harness | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await herald?.close();
    await cluster?.stop();
    await receiver?.close();
  });

  test('alerts are queued, fanned out and delivered through the cluster', async () => {
    herald = await startHarness({ env: { REDIS_URL: cluster.url } });
    await createGenericWebhook(herald, receiver, '/cluster');
    for (let i = 1; i <= 30; i++) expect((await herald.request('POST', '/v1/alerts', alert(i))).status).toBe(202);
    await receiver.waitFor(() => new Set(receiver.requestsFor('/cluster').map(title)).size === 30, 30_000);
    const ready = await herald.request('GET', '/readyz', undefined, null);
    expect(ready.status).toBe(200);
  });
});
