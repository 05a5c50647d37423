import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { registeredRoutes } from '@herald/http';
import { launchChromium } from '../support/browser';
import { startHarness, type Harness } from '../support/herald-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

jest.setTimeout(120_000);

interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema?: { type?: string; format?: string; pattern?: string };
}
interface Operation {
  operationId: string;
  summary: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { example?: unknown } }> };
}
interface Document {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

let herald: Harness;

beforeAll(async () => {
  herald = await startHarness({ worker: false });
});

afterAll(async () => {
  await herald?.close();
});

/**
 * @apidevtools/swagger-parser loads ES modules, which jest's CommonJS runtime cannot; it runs in a
 * plain node child (as `npx` would run it). Answers null when valid, else the validator's message.
 */
function validateOpenApi(document: unknown): string | null {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () =>
      SwaggerParser.validate(JSON.parse(input)).then(
        () => process.stdout.write('null'),
        (error) => process.stdout.write(JSON.stringify(String(error.message))),
      ),
    );
  `;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, input: JSON.stringify(document), encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`validator failed to run: ${child.stderr}`);
  return JSON.parse(child.stdout) as string | null;
}

/** `/v1/orgs/:orgId/webhooks/:id` → `/v1/orgs/{orgId}/webhooks/{id}` */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

async function fetchDocument(): Promise<Document> {
  const response = await fetch(`${herald.api.address}/docs/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Document;
}

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([p, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path: p, method, operation: item[method] as Operation }] : [])),
  );

test('/docs/openapi.json is generated from the route schemas and validates (swagger-parser)', async () => {
  const document = await fetchDocument();
  expect(document.openapi).toBe('3.1.0');
  expect(validateOpenApi(document)).toBeNull();

  // The validator does reject a broken document, so the pass above means something.
  const broken = structuredClone(document) as unknown as Record<string, unknown>;
  delete broken.info;
  expect(validateOpenApi(broken)).toEqual(expect.any(String));
});

test('the document covers every route the server registers, and nothing it does not', async () => {
  const document = await fetchDocument();
  const registered = new Set(
    registeredRoutes(herald.api.server)
      // HEAD twins of GET routes; bull-board's own assets and JSON API under the dashboard path; the docs themselves.
      .filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/admin/queues/') && !/^\/docs($|\/)/.test(route.url))
      .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.url)}`),
  );
  expect(registered.size).toBeGreaterThan(40);
  // Fastify answers a prefix's `/` route at `/admin/queues` and `/admin/queues/`; the document names the latter.
  const documented = new Set(operations(document).map(({ method, path: p }) => `${method} ${p.replace(/(.)\/$/, '$1')}`));
  expect([...registered].filter((route) => !documented.has(route)).sort()).toEqual([]);
  expect([...documented].filter((route) => !registered.has(route)).sort()).toEqual([]);

  const operationIds = operations(document).map(({ operation }) => operation.operationId);
  expect(operationIds.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  expect(new Set(operationIds).size).toBe(operationIds.length);
  expect(operations(document).filter(({ operation }) => !operation.summary)).toEqual([]);
  // Every JSON body comes with an example for the try-it console.
  const bodies = operations(document).filter(({ operation }) => operation.requestBody?.content['application/json']);
  expect(bodies.length).toBeGreaterThan(8);
  expect(
    bodies
      .filter(({ operation }) => operation.requestBody?.content['application/json']?.schema.example === undefined)
      .map(({ operation }) => operation.operationId),
  ).toEqual([]);
});

// ---- malformed ids and dates on every GET route ---------------------------------------------------

const MALFORMED_IDS = ['-'.repeat(36), 'f'.repeat(36), 'x', '-1', '0', '1.5', '99999999999999999999', "1' OR '1'='1", '%00', '%E2%80%AE'];
const MALFORMED_DATES = [
  '-004714-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '99999999999999',
  'yesterday',
  '2026-13-45',
];
const VALID = { integer: '1', uuid: '00000000-0000-4000-8000-000000000000' };

const isDate = (parameter: Parameter) => parameter.name === 'since' || parameter.name === 'until';
const isId = (parameter: Parameter) => parameter.in === 'path' || parameter.name === 'cursor' || parameter.name.endsWith('_id');
const validPathValue = (parameter: Parameter) => (parameter.schema?.format === 'uuid' ? VALID.uuid : VALID.integer);

test('GET on every documented route with malformed ids and dates answers 4xx, never 500', async () => {
  const document = await fetchDocument();
  const gets = operations(document).filter(({ method }) => method === 'get');
  const tried: string[] = [];
  const failures: string[] = [];
  for (const { path: template, operation } of gets) {
    const parameters = operation.parameters ?? [];
    const pathParameters = parameters.filter((p) => p.in === 'path');
    const fill = (values: (p: Parameter) => string) =>
      template.replace(/\{(\w+)\}/g, (_, name: string) => values(pathParameters.find((p) => p.name === name) as Parameter));
    const cases: string[] = [];
    for (const bad of MALFORMED_IDS) {
      for (const target of pathParameters) cases.push(fill((p) => (p === target ? bad : validPathValue(p))));
      for (const query of parameters.filter((p) => p.in === 'query' && isId(p))) cases.push(`${fill(validPathValue)}?${query.name}=${bad}`);
    }
    for (const bad of MALFORMED_DATES) {
      for (const query of parameters.filter((p) => p.in === 'query' && isDate(p)))
        cases.push(`${fill(validPathValue)}?${query.name}=${encodeURIComponent(bad)}`);
    }
    for (const url of cases) {
      const response = await herald.request('GET', url);
      tried.push(url);
      if (response.status < 400 || response.status >= 500) failures.push(`${url} → ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
  expect(failures).toEqual([]);
  // Ids in paths and queries, and both date parameters, were all exercised.
  expect(tried.length).toBeGreaterThan(150);
  expect(tried.some((url) => url.startsWith('/v1/alerts?since='))).toBe(true);
  expect(tried.some((url) => url.startsWith('/v1/orgs/') && url.includes('/webhooks/'))).toBe(true);
});

test('POST replay with a date outside PostgreSQL range is a 400 naming since', async () => {
  const webhook = await herald.request('POST', '/v1/webhooks', { name: 'replay', url: 'https://example.com/hook', type: 'generic' });
  expect(webhook.status).toBe(201);
  const response = await herald.request('POST', `/v1/webhooks/${webhook.body.id}/replay?since=-271821-04-20T00:00:00Z`);
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual([{ field: 'since', message: expect.stringContaining('between') }]);
});

// ---- the rendered page -----------------------------------------------------------------------------

test('/docs serves Swagger UI from this origin under a strict CSP, and the browser renders every operation', async () => {
  const document = await fetchDocument();
  const response = await fetch(`${herald.api.address}/docs/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/https?:|unsafe-eval|script-src[^;]*unsafe-inline/);
  const html = await response.text();
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);

  const browser = await launchChromium(herald.api.address);
  try {
    const cspErrors: string[] = [];
    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    await page.goto(`${herald.api.address}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const rendered = await page.locator('.opblock').count();
    expect(rendered).toBe(operations(document).length);
    // The try-it console: an operation opens with its example body and a "Try it out" button.
    await page.locator('#operations-Alerts-createAlert .opblock-summary').click();
    await page.waitForSelector('#operations-Alerts-createAlert .try-out__btn');
    expect(await page.locator('#operations-Alerts-createAlert').innerText()).toContain('print_failed');
    expect(browser.offOrigin).toEqual([]);
    expect(cspErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});
