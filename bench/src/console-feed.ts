/**
 * The console's feed with 100,000 alerts in the database: how long the first page takes, at the
 * API (GET /v1/alerts, cursor pagination) and in the browser (hash change to the 50 rows shown).
 * Usage: npm run bench:console [-- --alerts 100000]. Needs PostgreSQL, Redis, `npm run build` and /usr/bin/chromium.
 */
import { chromium } from 'playwright-core';
import { startHarness } from '../../test/support/herald-harness';
import { percentile } from './percentiles';

const alertsArg = process.argv.indexOf('--alerts');
const ALERTS = alertsArg > 0 ? Number(process.argv[alertsArg + 1]) : 100_000;
const RUNS = 20;

async function main() {
  const herald = await startHarness({ worker: false });
  try {
    const org = await herald.request('POST', '/v1/orgs', { name: 'Bench farm', enterprise: true });
    await herald.database.sql.query(
      `INSERT INTO alerts (id, type, severity, title, message, printer_id, org_id, occurred_at, received_at, source, status)
       SELECT gen_random_uuid(), 'print_failed', 'critical', 'Bench alert ' || n, 'Nozzle clog', (n % 50) + 1,
              CASE WHEN n % 10 = 0 THEN $2::int ELSE NULL END,
              now() - make_interval(secs => $1 - n), now() - make_interval(secs => $1 - n), 'bench', 'delivered'
       FROM generate_series(1, $1::int) AS n`,
      [ALERTS, org.body.id],
    );
    // UUIDv4 ids here do not sort by time like Herald's UUIDv7; the query plan (newest ids first) is the same.
    await herald.database.sql.query('ANALYZE alerts');

    const apiTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      const page = await herald.request('GET', '/v1/alerts?limit=50');
      apiTimes.push(performance.now() - started);
      if (page.status !== 200 || page.body.data.length !== 50) throw new Error(`feed answered ${page.status}`);
    }
    const orgToken = await herald.request('POST', '/v1/tokens', { name: 'bench org', role: 'org_admin', org_id: org.body.id });
    const orgTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      await herald.request('GET', '/v1/alerts?limit=50', undefined, orgToken.body.secret);
      orgTimes.push(performance.now() - started);
    }

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
    const page = await browser.newPage();
    await page.goto(`${herald.api.address}/`);
    await page.fill('#token', herald.adminToken);
    await page.press('#token', 'Enter');
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const renderTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      // Strings: this file is compiled without the DOM library.
      await page.evaluate("location.hash = '#/quiet-hours'");
      await page.getByRole('heading', { level: 1, name: 'Quiet hours' }).waitFor();
      // Measured inside the page: from the hash change to the frame that shows 50 rows.
      renderTimes.push(
        await page.evaluate<number>(`new Promise((resolve) => {
          const started = performance.now();
          location.hash = '#/alerts';
          const check = () =>
            document.querySelectorAll('table.feed tbody tr').length >= 50 ? resolve(performance.now() - started) : requestAnimationFrame(check);
          requestAnimationFrame(check);
        })`),
      );
    }
    await browser.close();

    const fmt = (unsorted: number[]) => {
      const values = [...unsorted].sort((a, b) => a - b);
      return `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
    };
    console.log(`alerts in the database: ${ALERTS.toLocaleString('en')}`);
    console.log(`GET /v1/alerts?limit=50 (admin, first page): ${fmt(apiTimes)}`);
    console.log(`GET /v1/alerts?limit=50 (org admin, 10 % of alerts): ${fmt(orgTimes)}`);
    console.log(`console feed, first page rendered (hash change → 50 rows): ${fmt(renderTimes)} (bar: 300 ms)`);
  } finally {
    await herald.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
