import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type HeraldConfig } from '@herald/config';
import { createDatabase, EmbeddedDatabaseInUseError } from '@herald/db';
import { HttpError } from '../http-errors';
import {
  createIngestSourceSchema,
  createIngestSourceWithKey,
  ingestUrl,
  type CreateIngestSourceInput,
} from '../ingest/ingest-source-service';
import { zodFieldErrors } from '../validation/zod-errors';

const USAGE =
  'usage: npm run source:create -- --kind odin|apprise|herald --name NAME [--org ORG_ID] [--printer PRINTER_ID] [--base-url URL]';
const OPTION_FOR_FIELD: Record<string, string> = { kind: '--kind', name: '--name', org_id: '--org', default_printer_id: '--printer' };
const describe = (errors: { field: string; message: string }[]) =>
  errors.map((e) => `${OPTION_FOR_FIELD[e.field] ?? e.field}: ${e.message}`).join('; ');

/** The admin token to ask a running Herald with: HERALD_ADMIN_TOKEN, or single-node's token file. */
function adminToken(config: HeraldConfig): string | null {
  if (config.adminToken) return config.adminToken;
  try {
    return fs.readFileSync(path.join(config.dataDir, 'admin-token'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

async function heraldAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_500) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Through the running Herald's API: the only way while single-node holds its PGlite database (one process at a time). */
async function createThroughApi(base: string, token: string, input: CreateIngestSourceInput): Promise<{ key: string; id: string }> {
  const response = await fetch(`${base}/v1/ingest-sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => null)) as { key?: string; id?: string; message?: string } | null;
  if (response.status !== 201 || !body?.key || !body.id) {
    throw new HttpError(response.status, 'refused', `Herald at ${base} answered ${response.status}: ${body?.message ?? 'no message'}`);
  }
  return { key: body.key, id: body.id };
}

/** Straight into the database, when no Herald answers (PostgreSQL, or a stopped single-node). */
async function createInDatabase(config: HeraldConfig, input: CreateIngestSourceInput): Promise<{ key: string; id: string }> {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  try {
    database = await createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      role: config.databaseUrl ? 'api' : 'single-node',
      poolSize: 1,
      migrations: { log: () => undefined },
    });
  } catch (error) {
    // Single-node's PGlite is locked to the Herald that holds it; its API is the way in then.
    if (error instanceof EmbeddedDatabaseInUseError) {
      throw new HttpError(
        409,
        'in_use',
        `the embedded database in ${error.dir} is in use by Herald (pid ${error.pid}) but no Herald answers at this HOST/PORT: ` +
          'run this again with HOST/PORT pointing at it, or use POST /v1/ingest-sources',
      );
    }
    throw error;
  }
  try {
    await database.migrate();
    const { source, key } = await createIngestSourceWithKey(database.prisma, input);
    return { key, id: source.id };
  } finally {
    await database.close();
  }
}

/**
 * `npm run source:create`: creates an ingest source and prints its URL once, alone on stdout (so it
 * can be piped); everything else goes to stderr. With Herald running it asks Herald's API (single-node's
 * PGlite database can be open in one process only); otherwise it writes to the configured database.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      printer: { type: 'string' },
      'base-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  for (const [option, value] of [
    ['--org', values.org],
    ['--printer', values.printer],
  ] as const) {
    if (value !== undefined && !/^\d+$/.test(value)) {
      process.stderr.write(`source:create: ${option} must be a positive integer\n${USAGE}\n`);
      return 2;
    }
  }
  const parsed = createIngestSourceSchema.safeParse({
    name: values.name ?? values.kind,
    kind: values.kind,
    org_id: values.org === undefined ? null : Number(values.org),
    default_printer_id: values.printer === undefined ? null : Number(values.printer),
  });
  if (!parsed.success) {
    process.stderr.write(`source:create: ${describe(zodFieldErrors(parsed.error))}\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  // Where this Herald answers on this machine; the printed URL uses --base-url when given (what senders reach).
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  try {
    let created: { key: string; id: string };
    if (await heraldAnswers(base)) {
      const token = adminToken(config);
      if (!token) {
        process.stderr.write(
          `source:create: Herald answers at ${base} but no admin token was found (HERALD_ADMIN_TOKEN or ${path.join(config.dataDir, 'admin-token')})\n`,
        );
        return 2;
      }
      created = await createThroughApi(base, token, parsed.data);
    } else {
      created = await createInDatabase(config, parsed.data);
    }
    process.stdout.write(`${ingestUrl(values['base-url'] ?? base, created.key)}\n`);
    process.stderr.write(
      `Created ${parsed.data.kind} ingest source "${parsed.data.name}" (id ${created.id}).\n` +
        'The URL above carries its key and is shown only now: paste it into the sender ' +
        `(O.D.I.N.: Settings → Notifications → Webhooks, type "generic"). Revoke it with DELETE /v1/ingest-sources/${created.id}.\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof HttpError) {
      process.stderr.write(`source:create: ${error.errors ? describe(error.errors) : error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`source:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
