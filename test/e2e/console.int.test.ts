import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../support/browser';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createOrg, createToken, createWebhook, eventually, postAlert } from '../support/admin-fixtures';

/**
 * The operator console at / in Debian's chromium (playwright-core, no downloaded browser), against
 * a real API and worker, Redis, PostgreSQL and a local receiver. Needs the console built
 * (`npm run build`). With HERALD_SCREENSHOTS=<dir> it saves a screenshot of every page there.
 */
const CONSOLE_BUILD = path.resolve(__dirname, '..', '..', 'apps', 'console', 'dist', 'index.html');
const SCREENSHOTS = process.env.HERALD_SCREENSHOTS ? path.resolve(process.env.HERALD_SCREENSHOTS) : null;

jest.setTimeout(120_000);

let herald: Harness;
let receiver: WebhookReceiver;
let chromium: Chromium;
let browser: BrowserContext;
let page: Page;
const cspViolations: string[] = [];
let flakyFailing = true;
let orgA: number;
let orgB: number;

beforeAll(async () => {
  if (!fs.existsSync(CONSOLE_BUILD)) throw new Error(`${CONSOLE_BUILD} is missing: npm run build`);
  receiver = await startWebhookReceiver();
  receiver.on('/discord', () => ({ status: 204 }));
  receiver.on('/flaky', () => (flakyFailing ? { status: 503, body: '{"message":"down for maintenance"}' } : { status: 200, body: 'ok' }));
  // Live streams recheck their session every second, so a revoked token ends the console's stream quickly.
  herald = await startHarness({ env: { HERALD_SESSION_STREAM_RECHECK_SECONDS: '1' } });
  orgA = await createOrg(herald, 'Farm A');
  orgB = await createOrg(herald, 'Farm B');
  for (const [id, org] of [
    [10, orgA],
    [20, orgB],
  ] as const) {
    expect((await herald.request('PUT', `/v1/printers/${id}`, { name: `printer ${id}`, org_id: org })).status).toBe(200);
  }
  await createWebhook(herald, `/v1/orgs/${orgA}/webhooks`, { name: 'farm A hook', url: receiver.url('/a'), type: 'generic' });
  await createWebhook(herald, `/v1/orgs/${orgB}/webhooks`, { name: 'farm B hook', url: receiver.url('/b'), type: 'generic' });

  chromium = await launchChromium(herald.api.address, { viewport: { width: 1280, height: 900 } });
  browser = chromium.context;
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: herald.api.address });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await chromium?.close();
  await herald?.close();
  await receiver?.close();
});

async function screenshot(name: string) {
  if (!SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

async function open(hash: string, heading: string) {
  await page.goto(`${herald.api.address}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function signInWithKeyboard(token: string) {
  // Whoever signed in before (an earlier test) is forgotten: the sign-in page comes up.
  await browser.clearCookies();
  await page.goto(`${herald.api.address}/`);
  await page.locator('#token').focus();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

test('/ serves the console under a strict CSP, and the sign-in page is accessible', async () => {
  const response = await page.goto(`${herald.api.address}/`);
  expect(response?.status()).toBe(200);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  await page.locator('#token').waitFor();
  await expectAccessible('sign-in');
  await screenshot('sign-in');

  // A wrong token is refused next to the field or the form, and nothing else happens.
  await page.fill('#token', 'hrld_not-a-real-token');
  await page.press('#token', 'Enter');
  await page.getByRole('alert').waitFor();
  expect(await page.locator('nav').count()).toBe(0);
});

test('an admin signs in, adds a Discord webhook for critical alerts only and tests it', async () => {
  await signInWithKeyboard(herald.adminToken);
  await open('#/', 'Overview');
  await expectAccessible('overview');

  await open('#/webhooks/system/new', 'Webhooks');
  await page.fill('#wh-name', 'ops discord');
  await page.fill('#wh-url', receiver.url('/discord'));
  await page.selectOption('#wh-type', 'discord');
  await page.getByRole('button', { name: 'Critical only' }).click();
  await expectAccessible('webhook form');
  await screenshot('webhook-form');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.locator('table.webhooks tr', { hasText: 'ops discord' }).waitFor();

  const saved = (await herald.request('GET', '/v1/webhooks')).body.data as { name: string; type: string; alert_types: string[] }[];
  expect(saved).toEqual([
    expect.objectContaining({
      name: 'ops discord',
      type: 'discord',
      alert_types: expect.arrayContaining(['print_failed', 'printer_error', 'spaghetti_detected']),
    }),
  ]);
  expect(saved[0]?.alert_types).not.toContain('spool_low');

  await page.getByRole('button', { name: 'Test ops discord' }).click();
  const result = page.getByTestId('test-result');
  await result.waitFor();
  expect(await result.innerText()).toMatch(/^204 in \d+ ms/);
  expect(receiver.requestsFor('/discord').length).toBe(1);
  await screenshot('webhooks');
});

test('alerts posted through the API appear in the feed within 2 s without a reload', async () => {
  await open('#/alerts', 'Alerts & deliveries');
  await page.getByText('Live', { exact: true }).waitFor();
  await expectAccessible('alerts');
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  const started = Date.now();
  await postAlert(herald, { printer_id: 1, title: 'Spaghetti on printer 1', type: 'spaghetti_detected' });
  await page.getByRole('link', { name: 'Spaghetti on printer 1' }).waitFor({ timeout: 2_000 });
  expect(Date.now() - started).toBeLessThan(2_000);
  await postAlert(herald, { printer_id: 1, title: 'Spool low on printer 1', type: 'spool_low' });
  await page.getByRole('link', { name: 'Spool low on printer 1' }).waitFor({ timeout: 2_000 });
  expect(navigations).toEqual([]);
  await screenshot('alerts');
});

test('a failing delivery shows its attempts and next retry; Retry delivers it', async () => {
  await createWebhook(herald, '/v1/webhooks', {
    name: 'flaky receiver',
    url: receiver.url('/flaky'),
    type: 'generic',
    alert_types: ['printer_error'],
    retry_schedule: [3600],
  });
  const alertId = await postAlert(herald, { printer_id: 1, title: 'Printer 1 error', type: 'printer_error' });
  await eventually('the flaky delivery to wait for a retry', async () => {
    const alert = await herald.request('GET', `/v1/alerts/${alertId}`);
    const deliveries = (alert.body.deliveries ?? []) as { webhook: { name: string }; status: string }[];
    return deliveries.some((d) => d.webhook.name === 'flaky receiver' && d.status === 'retrying') ? true : undefined;
  });

  await open('#/alerts', 'Alerts & deliveries');
  await page.getByRole('link', { name: 'Printer 1 error' }).click();
  await page.getByRole('heading', { level: 1, name: 'Printer 1 error' }).waitFor();
  const delivery = page.getByRole('article', { name: 'Delivery to flaky receiver' });
  await delivery.getByRole('cell', { name: '503', exact: true }).waitFor();
  expect(await delivery.getByTestId('next-retry').innerText()).toMatch(/next retry/);
  await expectAccessible('alert');
  await screenshot('alert');

  flakyFailing = false;
  await delivery.getByRole('button', { name: 'Retry now' }).click();
  // Live: the delivery event refreshes the page.
  await delivery.locator('h3 .status-delivered').waitFor({ timeout: 10_000 });
  await delivery.getByRole('cell', { name: '200', exact: true }).waitFor();
  expect(receiver.requestsFor('/flaky').length).toBe(2);
});

test('organization quiet hours are set in Europe/Berlin', async () => {
  await open(`#/quiet-hours/org/${orgA}`, 'Quiet hours');
  await page.getByRole('checkbox', { name: 'Quiet hours on' }).check();
  await page.fill('#qh-start', '22:00');
  await page.fill('#qh-end', '07:00');
  await page.fill('#qh-timezone', 'Europe/Berlin');
  await page.getByRole('checkbox', { name: 'critical' }).check();
  await page.getByRole('button', { name: 'Save quiet hours' }).click();
  await page.getByTestId('quiet-line').filter({ hasText: 'Europe/Berlin' }).waitFor();
  const saved = await herald.request('GET', `/v1/orgs/${orgA}/quiet-hours`);
  expect(saved.body).toEqual(
    expect.objectContaining({ enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin', bypass_severities: ['critical'] }),
  );

  // A bad time zone is refused next to its field.
  await page.fill('#qh-timezone', 'Mars/Olympus');
  await page.getByRole('button', { name: 'Save quiet hours' }).click();
  await page.locator('#qh-timezone-error').waitFor();
  await page.fill('#qh-timezone', 'Europe/Berlin');
  await expectAccessible('quiet hours');
  await screenshot('quiet-hours');
});

test('organizations, tokens and the overview pages are accessible', async () => {
  await open('#/organizations', 'Organizations & printers');
  await page.getByRole('article', { name: 'Farm A' }).waitFor();
  await expectAccessible('organizations');
  await screenshot('organizations');
  await open('#/tokens', 'Tokens & ingest');
  await page.fill('#token-name', 'farm A console');
  await page.selectOption('#token-role', 'org_admin');
  await page.selectOption('#token-org', String(orgA));
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByTestId('secret').waitFor();
  await page.getByRole('cell', { name: 'farm A console', exact: true }).waitFor();
  // An O.D.I.N. ingest URL for farm A: shown once, copied to the clipboard, listed masked.
  await page.fill('#source-name', 'farm A O.D.I.N.');
  await page.selectOption('#source-kind', 'odin');
  await page.selectOption('#source-org', String(orgA));
  await page.getByRole('button', { name: 'Create ingest URL' }).click();
  const shown = page.getByRole('status').filter({ hasText: 'Ingest URL' });
  const url = (await shown.getByTestId('secret').innerText()).trim();
  expect(url).toMatch(new RegExp(`^${herald.api.address}/v1/ingest/\\S+$`));
  await shown.getByRole('button', { name: 'Copy' }).click();
  await shown.getByRole('button', { name: 'Copied' }).waitFor();
  type Clipboard = { navigator: { clipboard: { readText(): Promise<string> } } };
  expect(await page.evaluate(() => (globalThis as unknown as Clipboard).navigator.clipboard.readText())).toBe(url);
  await page.getByRole('cell', { name: 'farm A O.D.I.N.', exact: true }).waitFor();
  expect(await page.getByRole('cell', { name: `/v1/ingest/••••${url.slice(-4)}` }).count()).toBe(1);
  const sources = await herald.request('GET', '/v1/ingest-sources');
  expect(sources.body.data).toEqual([expect.objectContaining({ name: 'farm A O.D.I.N.', kind: 'odin', org_id: orgA })]);
  await expectAccessible('tokens');
  await screenshot('tokens');
  await open('#/', 'Overview');
  await page.getByTestId('per-minute').waitFor();
  await screenshot('overview');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#token').waitFor();
});

test("an admin sets an organization's private network targets; a host name is refused on its line", async () => {
  await signInWithKeyboard(herald.adminToken);
  await open('#/organizations', 'Organizations & printers');
  const form = page.getByRole('form', { name: 'Private network targets of Farm A' });
  const field = form.getByLabel('Private network targets its webhooks may reach');
  expect(await field.inputValue()).toBe('127.0.0.0/8');
  await field.fill('127.0.0.0/8\nprinters.farm.lan');
  await form.getByRole('button', { name: 'Save private targets' }).click();
  await form.getByRole('alert').filter({ hasText: 'line 2' }).waitFor();
  expect((await herald.request('GET', `/v1/orgs/${orgA}`)).body.allowed_private_targets).toEqual(['127.0.0.0/8']);
  await expectAccessible('organization private targets refused');

  await field.fill('127.0.0.0/8\n192.168.20.0/24');
  await form.getByRole('button', { name: 'Save private targets' }).click();
  await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  expect((await herald.request('GET', `/v1/orgs/${orgA}`)).body.allowed_private_targets).toEqual(['127.0.0.0/8', '192.168.20.0/24']);
});

test("an org admin sees only its organization's webhooks, alerts and events", async () => {
  const token = await createToken(herald, { name: 'farm A admin', role: 'org_admin', org_id: orgA });
  const alertB = await postAlert(herald, { printer_id: 20, title: 'Farm B failure', type: 'print_failed' });
  await postAlert(herald, { printer_id: 10, title: 'Farm A failure', type: 'print_failed' });
  await signInWithKeyboard(token.secret);

  await open('#/webhooks', 'Webhooks');
  await page.locator('table.webhooks tr', { hasText: 'farm A hook' }).waitFor();
  const webhooks = await page.locator('table.webhooks').innerText();
  expect(webhooks).not.toContain('farm B hook');
  expect(webhooks).not.toContain('ops discord');
  expect(await page.locator('#wh-scope option').allInnerTexts()).toEqual(['Organization: Farm A']);

  await open('#/alerts', 'Alerts & deliveries');
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Farm A failure' }).waitFor();
  await postAlert(herald, { printer_id: 20, title: 'Farm B live', type: 'print_failed' });
  await postAlert(herald, { printer_id: 10, title: 'Farm A live', type: 'print_failed' });
  await page.getByRole('link', { name: 'Farm A live' }).waitFor({ timeout: 2_000 });
  const feed = await page.locator('table.feed').innerText();
  expect(feed).not.toMatch(/Farm B|Spaghetti on printer 1/);

  // Hand-edited URLs to another organization's objects.
  await page.goto(`${herald.api.address}/#/alerts/${alertB}`);
  await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
  await page.goto(`${herald.api.address}/#/webhooks/org/${orgB}`);
  await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
  await page.goto(`${herald.api.address}/#/quiet-hours/org/${orgB}`);
  await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();

  // Its private network targets are shown, not editable.
  await open('#/organizations', 'Organizations & printers');
  await page.getByText('Private network targets its webhooks may reach: 127.0.0.0/8, 192.168.20.0/24.').waitFor();
  expect(await page.getByRole('form', { name: 'Private network targets of Farm A' }).count()).toBe(0);
});

test('the event stream gives an org admin its own events only', async () => {
  const token = await createToken(herald, { name: 'farm B admin', role: 'org_admin', org_id: orgB });
  const controller = new AbortController();
  const response = await fetch(`${herald.api.address}/v1/events`, {
    headers: { authorization: `Bearer ${token.secret}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
  })().catch(() => undefined);
  await postAlert(herald, { printer_id: 10, title: 'Farm A secret', type: 'print_failed' });
  const bAlert = await postAlert(herald, { printer_id: 20, title: 'Farm B event', type: 'print_failed' });
  // The alert's event comes from the API, its delivery's from the worker: either may arrive first.
  await eventually(
    "farm B's alert and delivery events",
    async () => (text.includes(`"alert_id":"${bAlert}"`) && text.includes('Farm B event') ? true : undefined),
    10_000,
  );
  controller.abort();
  await reading;
  expect(text).toContain('Farm B event');
  expect(text).not.toContain('Farm A');
  expect((await fetch(`${herald.api.address}/v1/events`)).status).toBe(401);
});

test('a session revoked elsewhere returns the console to the sign-in page, which says why, and the stream stops knocking', async () => {
  const token = await createToken(herald, { name: 'night shift', role: 'admin' });
  await signInWithKeyboard(token.secret);
  await open('#/alerts', 'Alerts & deliveries');
  await page.getByText('Live', { exact: true }).waitFor();
  const streamRequests: number[] = [];
  const countStreams = (request: { url(): string }) => {
    if (request.url().endsWith('/v1/events')) streamRequests.push(Date.now());
  };
  page.on('request', countStreams);
  try {
    expect((await herald.request('DELETE', `/v1/tokens/${token.id}`)).status).toBe(204);
    await page.getByRole('status').filter({ hasText: 'Your session has ended' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('nav').count()).toBe(0);
    await page.locator('#token').waitFor();
    await expectAccessible('sign-in after the session ended');
    // One reconnect found the session gone; nothing after it.
    const settledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(streamRequests.filter((at) => at > settledAt)).toEqual([]);
  } finally {
    page.off('request', countStreams);
  }
});

test('the browser never requested another origin and the CSP refused nothing', () => {
  expect(chromium.offOrigin).toEqual([]);
  expect(cspViolations).toEqual([]);
});
