import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../support/browser';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook, deliveriesOnceSettled, eventually, postAlert } from '../support/admin-fixtures';

/**
 * The operator dashboard in a real browser: Debian's chromium driven by playwright-core (no
 * downloaded browser). Install it with `apt-get install -y chromium`.
 */
const SCREENSHOT = path.resolve(__dirname, '..', '..', 'test-results', 'dashboard.png');

jest.setTimeout(90_000);

let herald: Harness;
let receiver: WebhookReceiver;
let chromium: Chromium;
let browser: BrowserContext;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.on('/rejecting', () => ({ status: 400 }));
  herald = await startHarness();
  await createWebhook(herald, '/v1/webhooks', { name: 'ok', url: receiver.url('/ok'), type: 'generic' });
  await createWebhook(herald, '/v1/webhooks', {
    name: 'rejecting',
    url: receiver.url('/rejecting'),
    type: 'generic',
    alert_types: ['print_failed'],
  });
  // An alert's first attempts are one job: two print_failed alerts (one delivery rejected) give two
  // failed jobs, two spool_low alerts (the accepting webhook only) two completed ones.
  for (const printer of [1, 2]) await deliveriesOnceSettled(herald, await postAlert(herald, { printer_id: printer }));
  for (const printer of [1, 2]) await deliveriesOnceSettled(herald, await postAlert(herald, { printer_id: printer, type: 'spool_low' }));
  // A job finishes a moment after its deliveries are recorded.
  await eventually('the four jobs to finish', async () => {
    const counts = await herald.context.queues.deliveries.getJobCounts('completed', 'failed');
    return counts.completed === 2 && counts.failed === 2 ? true : undefined;
  });

  chromium = await launchChromium(herald.api.address, { viewport: { width: 1280, height: 800 } });
  browser = chromium.context;
});

afterAll(async () => {
  await chromium?.close();
  await herald?.close();
  await receiver?.close();
});

async function logIn(page: Page, token: string) {
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

test('without a session the dashboard refuses and sends the browser to the login page', async () => {
  const page = await browser.newPage();
  const first = await page.goto(`${herald.api.address}/admin/queues`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  expect(first?.status()).toBe(200);
  expect(first?.request().redirectedFrom()?.url()).toBe(`${herald.api.address}/admin/queues`);
  await expect(page.locator('input[name=token]')).toBeTruthy();

  const api = await page.request.get(`${herald.api.address}/admin/queues/api/queues`);
  expect(api.status()).toBe(401);

  await logIn(page, 'hrld_not-a-real-token');
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  expect(await page.textContent('.error')).toContain('not a valid admin token');
  expect(await browser.cookies()).toEqual([]);
  await page.close();
});

test('after logging in with an admin token it shows both queues with their job counts', async () => {
  const page = await browser.newPage();
  await page.goto(`${herald.api.address}/admin/queues`);
  await logIn(page, herald.adminToken);
  expect(new URL(page.url()).pathname).toBe('/admin/queues');

  const [cookie] = await browser.cookies();
  expect(cookie).toEqual(expect.objectContaining({ name: 'herald_session', httpOnly: true, sameSite: 'Strict', path: '/' }));
  // A random session id, not the token the operator typed.
  expect(cookie?.value).not.toContain(herald.adminToken);
  expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // What bull-board's API reports for the session, and what the page shows.
  const api = await page.request.get(`${herald.api.address}/admin/queues/api/queues?page=1&jobsPerPage=10`);
  expect(api.status()).toBe(200);
  const { queues } = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
  const counts = Object.fromEntries(queues.map((q) => [q.name, q.counts]));
  // The API routes alerts as it saves them: the fan-out queue only takes what the sweeper hands it.
  expect(counts.alerts).toEqual(expect.objectContaining({ waiting: 0, completed: 0, failed: 0 }));
  expect(counts.deliveries).toEqual(expect.objectContaining({ completed: 2, failed: 2 }));

  const text = await eventually('the queue cards to render their counts', async () => {
    const body = await page.innerText('body');
    return /\d+ Jobs/i.test(body) && !/Loading\.\.\./.test(body) ? body : undefined;
  });
  // The overview totals the statuses of every queue, then one card per queue with its job count.
  expect(text).toMatch(/COMPLETED\s+2\b/i);
  expect(text).toMatch(/FAILED\s+2\b/i);
  expect(text).toMatch(/\balerts\s+0 Jobs/i);
  expect(text).toMatch(/\bdeliveries\s+FAILED\s+2\s+4 Jobs/i);

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

  // Logging out ends the session on the server: the old cookie, replayed, opens nothing.
  await page.goto(`${herald.api.address}/admin/logout`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  expect((await page.request.get(`${herald.api.address}/admin/queues/api/queues`)).status()).toBe(401);
  const replay = { headers: { cookie: `herald_session=${cookie?.value}` } };
  expect((await fetch(`${herald.api.address}/admin/queues/api/queues`, replay)).status).toBe(401);
  expect((await fetch(`${herald.api.address}/v1/alerts`, replay)).status).toBe(401);
  await page.close();
});

test('the browser never requested anything from another origin', () => {
  expect(chromium.offOrigin).toEqual([]);
});
