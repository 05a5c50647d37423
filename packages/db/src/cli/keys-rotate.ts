import { parseArgs } from 'node:util';
import { loadConfig } from '@herald/config';
import { createFernetCodec } from '@herald/crypto';
import { createDatabase } from '../client';
import { rotateKeys, type KeyRotationReport } from '../key-rotation';

const USAGE = `usage: HERALD_FERNET_KEYS=NEW_KEY,OLD_KEY[,...] npm run keys:rotate [-- --batch-size N]

Re-encrypts every stored webhook URL and signing secret with the first key of HERALD_FERNET_KEYS.
Safe to interrupt and run again. Procedure: give every Herald process HERALD_FERNET_KEYS=NEW,OLD and
restart them; run keys:rotate; when it reports 0 undecryptable and 0 skipped (exit code 0), remove OLD
from HERALD_FERNET_KEYS and restart again. Exit codes: 0 done, 3 done but rows need attention, 1/2 error.`;

function summary(report: KeyRotationReport): string {
  return (
    `rotated ${report.rotated}, already current ${report.alreadyCurrent}, undecryptable ${report.undecryptable}, ` +
    `skipped ${report.skipped}, re-enabled ${report.reenabled}`
  );
}

/** `npm run keys:rotate`: counts go to stdout, progress and advice to stderr. Never prints a key or a token. */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const batchText = values['batch-size'] ?? '100';
  if (!/^[1-9]\d{0,5}$/.test(batchText)) {
    process.stderr.write(`keys:rotate: --batch-size must be a whole number from 1 to 999999\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  if (config.fernetKeys.length === 0) {
    process.stderr.write(`keys:rotate: HERALD_FERNET_KEYS is not set\n${USAGE}\n`);
    return 2;
  }
  const codec = createFernetCodec(config.fernetKeys);
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    role: config.databaseUrl ? 'api' : 'single-node',
    poolSize: 2,
  });
  try {
    process.stderr.write(`keys:rotate: re-encrypting with key ${codec.primaryKeyId} (${codec.keyIds.length} keys configured)\n`);
    const report = await rotateKeys(database, codec, {
      batchSize: Number(batchText),
      onBatch: (progress) => process.stderr.write(`keys:rotate: … ${summary(progress)}\n`),
      onUndecryptable: (webhookId) =>
        process.stderr.write(`keys:rotate: webhook ${webhookId} cannot be decrypted with any configured key: disabled\n`),
    });
    process.stdout.write(`keys:rotate: ${summary(report)}\n`);
    if (report.undecryptable > 0 || report.skipped > 0) {
      process.stderr.write(
        'keys:rotate: keep the old keys for now: ' +
          (report.skipped > 0
            ? 'run again to finish the skipped rows'
            : 'undecryptable webhooks need their URL set again (PATCH /v1/webhooks/:id)') +
          '\n',
      );
      return 3;
    }
    process.stderr.write(`keys:rotate: every webhook is encrypted with key ${codec.primaryKeyId}; older keys can now be removed\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys:rotate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
