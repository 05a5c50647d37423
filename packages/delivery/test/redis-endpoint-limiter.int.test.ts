import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisEndpointLimiter, endpointKey, rateModeFor, type EndpointLimiter } from '@herald/delivery';
import type { ResolvedWebhook } from '@herald/routing';
import { pacingIdentity } from '@herald/core';

const prefix = `{limiter-test-${randomBytes(4).toString('hex')}}`;
let redis: Redis;
let clock = 1_700_000_000_000;

function webhook(overrides: Partial<ResolvedWebhook> = {}): ResolvedWebhook {
  return {
    id: randomBytes(8).toString('hex'),
    name: 'w',
    type: 'generic',
    url: `https://hooks.example.com/${randomBytes(6).toString('hex')}`,
    alertTypes: [],
    severities: [],
    orgId: null,
    signingSecrets: [],
    retryScheduleSeconds: [],
    rateLimit: null,
    target: { requestUrl: '', address: {}, headers: {} },
    headers: {},
    allowedPrivateTargets: null,
    ...overrides,
  };
}

function limiter(options: { maxInFlight?: number; maxHostInFlight?: number; enabled?: boolean } = {}): EndpointLimiter {
  return createRedisEndpointLimiter({
    redis,
    prefix,
    enabled: options.enabled ?? true,
    now: () => clock,
    maxInFlight: options.maxInFlight ?? 0,
    maxHostInFlight: options.maxHostInFlight ?? 0,
    leaseTtlMs: 20_000,
    busyWaitMs: 700,
  });
}

/** Reserves for `count` deliveries at the current clock and answers each one's wait. */
async function waits(l: EndpointLimiter, w: ResolvedWebhook, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const reservation = await l.reserve(w, { leaseId: `d${i}-${clock}`, holdsSlot: false });
    result.push(reservation.waitMs);
    if (reservation.waitMs === 0) await l.release(w, `d${i}-${clock}`);
  }
  return result;
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

test('Discord: 5 at once, then the next 5 exactly 2 s later; never more than 5 in any 2 s', async () => {
  const l = limiter();
  const w = webhook({ type: 'discord' });
  expect(await waits(l, w, 12)).toEqual([0, 0, 0, 0, 0, 2000, 2000, 2000, 2000, 2000, 4000, 4000]);
  clock += 1_000;
  // The slots held for the next window are kept: one second later the next free one is 4 s away.
  expect(await waits(l, w, 1)).toEqual([3000]);
});

test('Slack: a burst of 3, then one a second', async () => {
  const l = limiter();
  const w = webhook({ type: 'slack' });
  expect(await waits(l, w, 6)).toEqual([0, 0, 0, 1000, 2000, 3000]);
});

test('generic endpoints are not paced; a per-webhook override is', async () => {
  const l = limiter();
  expect(await waits(l, webhook(), 50)).toEqual(Array(50).fill(0));
  const paced = webhook({ rateLimit: { limit: 2, intervalMs: 1_000 } });
  expect(await waits(l, paced, 5)).toEqual([0, 0, 1000, 1000, 2000]);
  expect(rateModeFor({ limit: 1, intervalMs: 1000, burst: 3 }).mode).toBe('bucket');
  expect(rateModeFor({ limit: 5, intervalMs: 2000 }).mode).toBe('window');
  expect(rateModeFor(null).mode).toBe('none');
});

test('a delivery that holds a due slot sends without taking another', async () => {
  const l = limiter();
  const w = webhook({ rateLimit: { limit: 1, intervalMs: 1_000 } });
  expect(await waits(l, w, 2)).toEqual([0, 1000]);
  clock += 1_000;
  expect(await l.reserve(w, { leaseId: 'holder', holdsSlot: true })).toEqual({ waitMs: 0 });
  // The slot at +1 s was the holder's; the next free one is a second later.
  expect(await waits(l, w, 1)).toEqual([1000]);
});

test('a 429 pauses the endpoint; a global one pauses every webhook on the host', async () => {
  const l = limiter();
  const a = webhook({ type: 'discord', url: 'https://discord.example/api/webhooks/1/a' });
  const b = webhook({ type: 'discord', url: 'https://discord.example/api/webhooks/2/b' });
  const other = webhook({ url: 'https://elsewhere.example/hook' });
  await l.pause(a, 3_000, false);
  expect(await l.reserve(a, { leaseId: 'x', holdsSlot: false })).toEqual({ waitMs: 3000, reason: 'paused' });
  expect((await l.reserve(b, { leaseId: 'y', holdsSlot: false })).waitMs).toBe(0);
  await l.pause(a, 5_000, true);
  expect(await l.reserve(b, { leaseId: 'z', holdsSlot: true })).toEqual({ waitMs: 5000, reason: 'paused' });
  expect((await l.reserve(other, { leaseId: 'o', holdsSlot: false })).waitMs).toBe(0);
  clock += 5_000;
  expect((await l.reserve(b, { leaseId: 'z', holdsSlot: false })).waitMs).toBe(0);
});

test('at most N requests in flight per endpoint; a lease is freed on release or when it lapses', async () => {
  const l = limiter({ maxInFlight: 2 });
  const w = webhook();
  expect(await l.reserve(w, { leaseId: 'a', holdsSlot: false })).toEqual({ waitMs: 0 });
  expect(await l.reserve(w, { leaseId: 'b', holdsSlot: false })).toEqual({ waitMs: 0 });
  // The requests in flight started just now: look again soon.
  expect(await l.reserve(w, { leaseId: 'c', holdsSlot: false })).toEqual({ waitMs: 50, reason: 'busy' });
  clock += 300;
  expect(await l.reserve(w, { leaseId: 'c', holdsSlot: false })).toEqual({ waitMs: 300, reason: 'busy' });
  clock += 5_000;
  // A slow endpoint: no more often than the busy wait.
  expect(await l.reserve(w, { leaseId: 'c', holdsSlot: false })).toEqual({ waitMs: 700, reason: 'busy' });
  // A delivery taken up again after its worker died reuses its own lease.
  expect(await l.reserve(w, { leaseId: 'a', holdsSlot: false })).toEqual({ waitMs: 0 });
  expect((await l.reserve(webhook(), { leaseId: 'c', holdsSlot: false })).waitMs).toBe(0);
  await l.release(w, 'a');
  expect(await l.reserve(w, { leaseId: 'c', holdsSlot: false })).toEqual({ waitMs: 0 });
  expect((await l.reserve(w, { leaseId: 'd', holdsSlot: false })).waitMs).toBe(700);
  clock += 15_000;
  expect(await l.reserve(w, { leaseId: 'd', holdsSlot: false })).toEqual({ waitMs: 0 });
});

test('switched off (benchmarks), nothing waits', async () => {
  const l = limiter({ enabled: false, maxInFlight: 1 });
  const w = webhook({ type: 'slack' });
  expect(await waits(l, w, 10)).toEqual(Array(10).fill(0));
});

test('Redis never holds the webhook URL', async () => {
  const l = limiter({ maxInFlight: 3 });
  const w = webhook({ type: 'discord', url: 'https://discord.com/api/webhooks/123/secret-token-abc' });
  await waits(l, w, 7);
  await l.pause(w, 1000, true);
  const keys = await redis.keys(`${prefix}*`);
  expect(keys.join(' ')).not.toContain('secret-token');
  expect(keys.some((k) => k.includes(endpointKey(pacingIdentity(w.type, w.url))))).toBe(true);
  for (const key of keys.filter((k) => k.includes(':rl:window:'))) {
    expect((await redis.zrange(key, '0', '-1')).join(' ')).not.toContain('secret-token');
  }
});

test('one Discord webhook saved twice with URLs differing only in a query parameter shares one pace (5 per 2 s in all)', async () => {
  clock += 60_000; // past any pause an earlier test left on discord.com
  const l = limiter();
  const id = String(Date.now());
  const a = webhook({ type: 'discord', url: `https://discord.com/api/webhooks/${id}/tok` });
  const b = webhook({ type: 'discord', url: `https://discord.com/api/webhooks/${id}/tok?wait=true` });
  const c = webhook({ type: 'discord', url: `https://discordapp.com/api/webhooks/${id}/tok/` });
  const all: number[] = [];
  for (const [i, w] of [a, a, b, b, c, c].entries()) {
    all.push((await l.reserve(w, { leaseId: `same-hook-${i}`, holdsSlot: false })).waitMs);
  }
  expect(all).toEqual([0, 0, 0, 0, 0, 2000]);
});

describe('in-flight caps by destination (issue #15)', () => {
  const granted = async (l: EndpointLimiter, w: ResolvedWebhook, lease: string) =>
    (await l.reserve(w, { leaseId: lease, holdsSlot: false })).waitMs === 0;

  test('twenty webhooks differing only in a query parameter share one endpoint cap', async () => {
    const l = limiter({ maxInFlight: 10, maxHostInFlight: 50 });
    const path = randomBytes(6).toString('hex');
    const hooks = Array.from({ length: 20 }, (_, i) => webhook({ url: `https://slow.example.com/${path}?n=${i}` }));
    const results: boolean[] = [];
    for (const [i, w] of hooks.entries()) results.push(await granted(l, w, `q-${path}-${i}`));
    expect(results.filter(Boolean)).toHaveLength(10);
    // Another path on the same host is another endpoint.
    expect(await granted(l, webhook({ url: `https://slow.example.com/${path}-other` }), `q-${path}-other`)).toBe(true);
    await l.release(hooks[0]!, `q-${path}-0`);
    expect(await granted(l, hooks[19]!, `q-${path}-19`)).toBe(true);
  });

  test('the host cap holds back busy endpoints but never an endpoint with nothing in flight; leases lapse', async () => {
    const l = limiter({ maxInFlight: 3, maxHostInFlight: 4 });
    const host = `h${randomBytes(4).toString('hex')}.example.com`;
    const hung = [0, 1, 2].map((i) => webhook({ url: `https://${host}/hang-${i}` }));
    const grants: boolean[] = [];
    for (const [i, w] of hung.entries()) for (let j = 0; j < 3; j++) grants.push(await granted(l, w, `hang-${i}-${j}`));
    // 3 + 1 reach the host cap of 4; then each other endpoint still gets its first request: 3 + 1 + 1.
    expect(grants).toEqual([true, true, true, true, false, false, true, false, false]);
    const healthy = webhook({ url: `https://${host}/healthy` });
    expect(await granted(l, healthy, 'healthy-1')).toBe(true);
    // Its second concurrent request waits for its own first one (looked at again soon), not for the hung ones.
    clock += 120;
    expect(await l.reserve(healthy, { leaseId: 'healthy-2', holdsSlot: false })).toEqual({ waitMs: 120, reason: 'busy' });
    await l.release(healthy, 'healthy-1');
    expect(await granted(l, healthy, 'healthy-2')).toBe(true);
    await l.release(healthy, 'healthy-2');
    // Same host, another port: another host cap.
    expect(await granted(l, webhook({ url: `https://${host}:8443/hang-0` }), 'other-port')).toBe(true);
    // The worker holding the hung requests dies: its leases lapse from both caps.
    clock += 20_001;
    const again: boolean[] = [];
    for (let j = 0; j < 3; j++) again.push(await granted(l, hung[0]!, `after-${j}`));
    expect(again).toEqual([true, true, true]);
    expect(await granted(l, hung[1]!, 'after-b0')).toBe(true);
    expect(await granted(l, hung[1]!, 'after-b1')).toBe(false);
  });

  test('in-flight keys are hashes: Redis holds neither the path nor the host', async () => {
    const l = limiter({ maxInFlight: 2, maxHostInFlight: 2 });
    const w = webhook({ url: 'https://secret-host.example.com/secret-path-xyz?token=t0p' });
    await l.reserve(w, { leaseId: 'hash-1', holdsSlot: false });
    const keys = (await redis.keys(`${prefix}*`)).join(' ');
    expect(keys).toContain(':inflight-host:');
    expect(keys).not.toMatch(/secret-host|secret-path|t0p/);
  });
});
