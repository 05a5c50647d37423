import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { JsonTooDeepError, registerApiRateLimit, registerJsonBodyParser, takeRateLimitToken } from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `{herald-test-${randomBytes(4).toString('hex')}}`;
let redis: Redis;
const apps: FastifyInstance[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

interface Answer {
  statusCode: number;
  headers: Headers;
  json(): any;
}

interface TestApp {
  inject(request: { method: string; url: string; payload?: string; headers?: Record<string, string> }): Promise<Answer>;
}

/** A real listening Fastify app (light-my-request's inject needs ESM-only `cookie`, which jest cannot load here). */
async function appWith(setup: (app: FastifyInstance) => void | Promise<void>): Promise<TestApp> {
  const app = Fastify();
  apps.push(app);
  await setup(app);
  app.post('/echo', { bodyLimit: 4096, schema: { body: {} } }, async (request) => ({ received: request.body }));
  app.post('/act', async (request) => ({ acted: true, body: request.body ?? null }));
  app.get('/ping', async () => ({ ok: true }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    async inject({ method, url, payload, headers }) {
      const response = await fetch(`${address}${url}`, { method, body: payload, headers });
      const text = await response.text();
      return { statusCode: response.status, headers: response.headers, json: () => JSON.parse(text) };
    },
  };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('registerJsonBodyParser', () => {
  const post = (app: TestApp, payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': contentType } });

  it('accepts 32 levels and refuses 33 with a 400 naming the body', async () => {
    const app = await appWith((a) => registerJsonBodyParser(a));
    expect((await post(app, nested(32))).statusCode).toBe(200);
    const refused = await post(app, nested(33));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'HERALD_JSON_TOO_DEEP', message: 'JSON is nested more than 32 levels deep' });
  });

  it('uses the error the API passes in', async () => {
    const app = await appWith((a) => {
      registerJsonBodyParser(a, { maxDepth: 3, tooDeep: (message) => Object.assign(new Error(message), { statusCode: 422 }) });
      a.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) =>
        reply.code(error.statusCode ?? 500).send({ error: 'validation_failed', errors: [{ field: 'body', message: error.message }] }),
      );
    });
    const refused = await post(app, '{"a":{"b":{"c":{}}}}');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({
      error: 'validation_failed',
      errors: [{ field: 'body', message: 'JSON is nested more than 3 levels deep' }],
    });
    expect(new JsonTooDeepError('x').errors).toEqual([{ field: 'body', message: 'x' }]);
  });

  it('keeps Fastify behaviour otherwise: JSON parsed, invalid or empty JSON and prototype poisoning refused, size limit applied', async () => {
    const app = await appWith((a) => registerJsonBodyParser(a));
    expect((await post(app, '{"a":[1,"[[["]}')).json()).toEqual({ received: { a: [1, '[[['] } });
    expect((await post(app, '{"a":')).json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect((await post(app, '')).json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
    expect((await post(app, '{"__proto__":{"admin":true}}')).statusCode).toBe(400);
    expect((await post(app, '{"constructor":{"prototype":{"admin":true}}}')).statusCode).toBe(400);
    expect((await post(app, JSON.stringify({ big: 'x'.repeat(5000) }))).statusCode).toBe(413);
    expect((await post(app, nested(10), 'application/json; charset=utf-8')).statusCode).toBe(200);
  });

  it('reads an empty JSON body as no body on a route that takes none (curl sends the header by habit)', async () => {
    const app = await appWith((a) => registerJsonBodyParser(a));
    const act = (payload: string) => app.inject({ method: 'POST', url: '/act', payload, headers: { 'content-type': 'application/json' } });
    expect((await act('')).json()).toEqual({ acted: true, body: null });
    expect((await act('  \n')).json()).toEqual({ acted: true, body: null });
    expect((await act('{"a":')).json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    // A route with a body schema still refuses an empty body as invalid JSON.
    expect((await post(app, '')).json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
  });
});

describe('registerApiRateLimit (@fastify/rate-limit with a GCRA store in Redis)', () => {
  const clientOf = (request: { headers: Record<string, unknown> }) =>
    typeof request.headers['x-token'] === 'string' ? request.headers['x-token'] : null;

  it('lets a token make `limit` requests, then answers 429 with Retry-After; other tokens are counted apart', async () => {
    const app = await appWith((a) => registerApiRateLimit(a, { redis, limitPerMinute: 5, keyPrefix: prefix, clientOf }));
    const get = (token?: string) => app.inject({ method: 'GET', url: '/ping', headers: token ? { 'x-token': token } : {} });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await get('token-a');
      statuses.push(response.statusCode);
      expect(response.headers.get('ratelimit-remaining')).toBe(String(4 - i));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const refused = await get('token-a');
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // 5 per minute: the next slot frees up 12 s after the first request.
    expect(retryAfter).toBeGreaterThanOrEqual(11);
    expect(retryAfter).toBeLessThanOrEqual(12);
    // The API's error handler turns the error's code into `{error: 'rate_limited', message}` (test/e2e/security-api-guards).
    expect(refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('at most 5 per minute') });
    expect(refused.headers.get('ratelimit-limit')).toBe('5');

    expect((await get('token-b')).statusCode).toBe(200);
    for (let i = 0; i < 10; i += 1) expect((await get()).statusCode).toBe(200);
  });

  it('frees capacity evenly over the minute (GCRA): one request per interval after the burst', async () => {
    const key = `${prefix}:gcra-check`;
    // 60 per minute: a burst of 60, then one a second.
    for (let i = 0; i < 60; i += 1) expect((await takeRateLimitToken(redis, key, 60)).allowed).toBe(true);
    const refused = await takeRateLimitToken(redis, key, 60);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(500);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
    expect((await takeRateLimitToken(redis, key, 60)).allowed).toBe(true);
    expect((await takeRateLimitToken(redis, key, 60)).allowed).toBe(false);
  });

  it('0 turns the limit off', async () => {
    const app = await appWith((a) => registerApiRateLimit(a, { redis, limitPerMinute: 0, keyPrefix: prefix, clientOf }));
    for (let i = 0; i < 20; i += 1)
      expect((await app.inject({ method: 'GET', url: '/ping', headers: { 'x-token': 'z' } })).statusCode).toBe(200);
  });

  it('lets requests through when Redis is unreachable, and reports it', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const errors: unknown[] = [];
    const app = await appWith((a) =>
      registerApiRateLimit(a, { redis: down, limitPerMinute: 1, keyPrefix: prefix, clientOf, onRedisError: (error) => errors.push(error) }),
    );
    for (let i = 0; i < 3; i += 1)
      expect((await app.inject({ method: 'GET', url: '/ping', headers: { 'x-token': 't' } })).statusCode).toBe(200);
    expect(errors).toHaveLength(3);
    down.disconnect();
  });
});
