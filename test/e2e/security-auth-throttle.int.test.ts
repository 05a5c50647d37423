import { Writable } from 'node:stream';
import { Agent, fetch } from 'undici';
import { createToken } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';

jest.setTimeout(60_000);

/**
 * Issue 15, "unthrottled login": 300 wrong logins and 300 wrong bearer tokens all got 401. Now
 * failures are counted in Redis per client address and per token prefix (5 per minute here).
 * Requests come from different loopback addresses (127.0.0.x) to play several clients.
 */
const LIMIT = 5;
const METRICS_TOKEN = 'scraper-token-for-the-throttle-test';
let herald: Harness;
let twin: Harness;
const logLines: string[] = [];
const agents = new Map<string, Agent>();

beforeAll(async () => {
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const env = {
    HERALD_AUTH_FAILURE_LIMIT: String(LIMIT),
    HERALD_AUTH_FAILURE_WINDOW_SECONDS: '60',
    LOG_LEVEL: 'info',
    HERALD_METRICS_TOKEN: METRICS_TOKEN,
  };
  herald = await startHarness({ worker: false, env, logDestination });
  // A second API process of the same deployment (same Redis keys, another database is enough here).
  twin = await startHarness({ worker: false, env: { ...env, HERALD_QUEUE_PREFIX: herald.config.queuePrefix } });
});

afterAll(async () => {
  await twin?.close();
  await herald?.close();
  await Promise.all([...agents.values()].map((agent) => agent.close()));
});

/** A request from the loopback address `from`, like a client on its own machine. */
async function from(
  address: string,
  path: string,
  options: { bearer?: string; json?: unknown; form?: Record<string, string>; method?: string; target?: Harness } = {},
) {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  const headers: Record<string, string> = {};
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(`${(options.target ?? herald).api.address}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    redirect: 'manual',
    dispatcher: agent,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

test('wrong bearer tokens from one address: 401 up to the limit, then 429 with Retry-After, even for the right token', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 3; i += 1)
    statuses.push((await from('127.0.0.2', '/v1/alerts', { bearer: `guess-${i}-${'x'.repeat(30)}` })).status);
  expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429, 429, 429]);

  // While throttled the token is not even looked at: a guesser learns nothing from a right guess.
  const right = await from('127.0.0.2', '/v1/alerts', { bearer: herald.adminToken });
  expect(right.status).toBe(429);
  expect(Number(right.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(right.retryAfter)).toBeLessThanOrEqual(60);
  expect(JSON.parse(right.text)).toEqual({ error: 'too_many_failed_logins', message: expect.stringMatching(/retry in \d+ s/) });

  // Other clients are not affected.
  expect((await from('127.0.0.3', '/v1/alerts', { bearer: herald.adminToken })).status).toBe(200);

  // The throttle is logged once, naming the address, never the guessed secret.
  const throttledLines = logLines.filter((line) => line.includes('authentication throttled'));
  expect(throttledLines).toHaveLength(1);
  expect(JSON.parse(throttledLines[0] ?? '{}')).toEqual(expect.objectContaining({ level: 40, client: '127.0.0.2', by: 'address' }));
  expect(logLines.join('\n')).not.toMatch(/guess-/);
});

test('the count is shared by every API process of the deployment', async () => {
  // 127.0.0.2 was throttled by the first process; the second one refuses it too.
  const elsewhere = await from('127.0.0.2', '/v1/alerts', { bearer: twin.adminToken, target: twin });
  expect(elsewhere.status).toBe(429);
  expect((await from('127.0.0.3', '/v1/alerts', { bearer: twin.adminToken, target: twin })).status).toBe(200);
});

test('the login form and POST /v1/session are throttled the same way', async () => {
  for (let i = 0; i < LIMIT; i += 1) {
    expect((await from('127.0.0.4', '/admin/login', { form: { token: `wrong-${i}`, next: '/admin/queues' } })).status).toBe(401);
  }
  const form = await from('127.0.0.4', '/admin/login', { form: { token: herald.adminToken, next: '/admin/queues' } });
  expect(form.status).toBe(429);
  expect(form.retryAfter).toMatch(/^\d+$/);
  expect(form.text).toContain('Too many failed attempts');

  for (let i = 0; i < LIMIT; i += 1) expect((await from('127.0.0.5', '/v1/session', { json: { token: `wrong-${i}` } })).status).toBe(401);
  const api = await from('127.0.0.5', '/v1/session', { json: { token: herald.adminToken } });
  expect(api.status).toBe(429);
  expect(api.retryAfter).toMatch(/^\d+$/);
});

test("guesses at one token spread over many addresses are throttled by its prefix, without locking out the token's holder", async () => {
  const target = await createToken(herald, { name: 'target', role: 'admin' });
  const prefix = target.secret.slice(0, 10);
  // One wrong guess from each of LIMIT addresses (each well under the per-address limit).
  for (let host = 10; host < 10 + LIMIT; host += 1) {
    expect((await from(`127.0.0.${host}`, '/v1/alerts', { bearer: `${prefix}${'A'.repeat(38)}${host}` })).status).toBe(401);
  }
  // Each of those addresses now gets 429 for that prefix, whatever it sends, the right secret included.
  for (const secret of [`${prefix}${'B'.repeat(40)}`, target.secret]) {
    expect((await from('127.0.0.10', '/v1/alerts', { bearer: secret })).status).toBe(429);
  }
  // Other tokens from those addresses still work; and the holder, on an address with no failure, is let in.
  expect((await from('127.0.0.11', '/v1/alerts', { bearer: herald.adminToken })).status).toBe(200);
  expect((await from('127.0.0.20', '/v1/alerts', { bearer: target.secret })).status).toBe(200);
  const byPrefix = logLines.filter((line) => line.includes('authentication throttled') && line.includes('"by":"token_prefix"'));
  expect(byPrefix.map((line) => JSON.parse(line).tokenPrefix)).toEqual([prefix]);
});

test('HERALD_METRICS_TOKEN is no failed login: a scraper is never throttled, a wrong one is', async () => {
  for (let i = 0; i < LIMIT * 2; i += 1) expect((await from('127.0.0.30', '/metrics', { bearer: METRICS_TOKEN })).status).toBe(200);
  const wrong: number[] = [];
  for (let i = 0; i <= LIMIT; i += 1) wrong.push((await from('127.0.0.31', '/metrics', { bearer: `${METRICS_TOKEN}-${i}` })).status);
  expect(wrong).toEqual([...Array<number>(LIMIT).fill(401), 429]);
});
