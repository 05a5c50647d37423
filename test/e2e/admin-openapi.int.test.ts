import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { registeredRoutes } from '@herald/http';
import { startHarness, type Harness } from '../support/herald-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

jest.setTimeout(60_000);

let herald: Harness;

beforeAll(async () => {
  herald = await startHarness({ worker: false });
});

afterAll(async () => {
  await herald?.close();
});

/**
 * The validator is an ES module only; it runs in a plain node child (as `npx` would run it)
 * rather than through jest's CommonJS transform.
 */
function validateOpenApi(document: unknown): { valid: boolean; errors: unknown; version: string } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? null, version: validator.version }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`validator failed to run: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

/** `/v1/orgs/:orgId/webhooks/:id` → `/v1/orgs/{orgId}/webhooks/{id}` */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

async function fetchDocument() {
  const response = await fetch(`${herald.api.address}/docs/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string; summary: string }>> };
}

test('/docs/openapi.json validates as OpenAPI 3', async () => {
  const document = await fetchDocument();
  expect(document.openapi).toMatch(/^3\./);
  const result = validateOpenApi(document);
  expect(result.errors).toBeNull();
  expect(result).toEqual(expect.objectContaining({ valid: true, version: '3.1' }));

  // The validator does reject a broken document, so the pass above means something.
  const broken = structuredClone(document) as Record<string, unknown>;
  delete broken.info;
  expect(validateOpenApi(broken).valid).toBe(false);
});

test('the document covers every route the server registers, and nothing it does not', async () => {
  const document = await fetchDocument();
  const registered = new Set(
    registeredRoutes(herald.api.server)
      // HEAD twins of GET routes, and bull-board's own assets and JSON API under the dashboard path.
      .filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/admin/queues/'))
      .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.url)}`),
  );
  expect(registered.size).toBeGreaterThan(40);
  const documented = new Set(Object.entries(document.paths).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${p}`)));
  expect([...registered].filter((route) => !documented.has(route)).sort()).toEqual([]);
  expect([...documented].filter((route) => !registered.has(route)).sort()).toEqual([]);

  const operationIds = Object.values(document.paths).flatMap((item) => METHODS.flatMap((m) => (item[m] ? [item[m].operationId] : [])));
  expect(new Set(operationIds).size).toBe(operationIds.length);
});

test('/docs renders every operation as a self-contained page', async () => {
  const document = await fetchDocument();
  const response = await fetch(`${herald.api.address}/docs`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await response.text();
  // Nothing to run and nothing fetched from elsewhere.
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  for (const [p, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      expect(html).toContain(`id="${item[method]?.operationId}"`);
    }
    expect(html).toContain(`<code>${p.replace(/&/g, '&amp;')}</code>`);
  }
});
