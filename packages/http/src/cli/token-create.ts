import { parseArgs } from 'node:util';
import { loadConfig } from '@herald/config';
import { createDatabase } from '@herald/db';
import { HttpError } from '../http-errors';
import { createApiToken, createTokenSchema, tokenRuleErrors } from '../tokens/token-service';
import { zodFieldErrors } from '../validation/zod-errors';

const OPTION_FOR_FIELD: Record<string, string> = { org_id: '--org', role: '--role', name: '--name' };
const describe = (errors: { field: string; message: string }[]) =>
  errors.map((e) => `${OPTION_FOR_FIELD[e.field] ?? e.field}: ${e.message}`).join('; ');

const USAGE = 'usage: npm run token:create -- --role admin|org_admin|ingestor [--name NAME] [--org ORG_ID]';

/**
 * `npm run token:create`: creates an API token in the configured database and prints its secret
 * once, alone on stdout (so it can be piped); everything else goes to stderr. Against the
 * single-node PGlite database, stop `npm start` first (PGlite is single-process) or use POST /v1/tokens.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (values.org !== undefined && !/^\d+$/.test(values.org)) {
    process.stderr.write(`token:create: --org must be an organization id (a positive integer)\n${USAGE}\n`);
    return 2;
  }
  const parsed = createTokenSchema.safeParse({
    name: values.name ?? `${values.role ?? 'token'} (created by token:create)`,
    role: values.role,
    org_id: values.org === undefined ? null : Number(values.org),
  });
  const problems = parsed.success ? tokenRuleErrors(parsed.data) : zodFieldErrors(parsed.error);
  if (!parsed.success || problems.length > 0) {
    process.stderr.write(`token:create: ${describe(problems)}\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    role: config.databaseUrl ? 'api' : 'single-node',
    poolSize: 1,
    migrations: { log: () => undefined },
  });
  try {
    await database.migrate();
    const { token, secret } = await createApiToken(database.prisma, parsed.data);
    process.stdout.write(`${secret}\n`);
    process.stderr.write(
      `Created ${token.role} token "${token.name}"${token.orgId !== null ? ` for organization ${token.orgId}` : ''} (id ${token.id}, prefix ${token.prefix}).\n` +
        'The secret above is shown only now: store it. Send it as "Authorization: Bearer <secret>"; revoke it with DELETE /v1/tokens/<id>.\n',
    );
    return 0;
  } catch (error) {
    if (error instanceof HttpError) {
      process.stderr.write(`token:create: ${error.errors ? describe(error.errors) : error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`token:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
