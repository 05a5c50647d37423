import type { PrismaClient } from './generated/prisma/client';
import type { Database } from './client';
import type { SqlSession } from './sql-executor';
import { webhookUrlTokensPage } from './store/webhooks';

/** What key rotation needs from the Fernet codec (MultiFernet: primary key first). */
export interface RotationCodec {
  readonly primaryKeyId: string;
  /** Re-encrypts with the primary key. @throws when no configured key authenticates the token */
  rotate(token: string): string;
  isEncryptedWithPrimary(token: string): boolean;
  /** undefined when no configured key authenticates the token. */
  keyIdOf(token: string): string | undefined;
}

export interface KeyRotationReport {
  /** Rows re-encrypted with the primary key in this run. */
  rotated: number;
  /** Rows already encrypted with the primary key (left untouched). */
  alreadyCurrent: number;
  /** Rows no configured key decrypts: marked disabled_reason 'undecryptable'. */
  undecryptable: number;
  /** Rows that kept changing under us (edited through the API meanwhile); run again to finish them. */
  skipped: number;
  /** Rows that had been disabled as 'undecryptable' but decrypt with these keys: re-enabled (also counted above). */
  reenabled: number;
}

export interface RotateKeysOptions {
  /** Rows per batch (default 100). */
  batchSize?: number;
  now?: () => Date;
  /** After each batch, e.g. to print progress. */
  onBatch?(report: Readonly<KeyRotationReport>): void;
  /** Webhook ids (never tokens) that could not be decrypted, as they are found. */
  onUndecryptable?(webhookId: string): void;
}

/** Nothing decrypts with the configured keys: almost certainly the wrong HERALD_FERNET_KEYS, so nothing is touched. */
export class NoDecryptableWebhooksError extends Error {
  constructor(
    readonly webhookCount: number,
    consequence = 'Nothing was changed.',
  ) {
    super(
      `none of the ${webhookCount} stored webhooks can be decrypted with the configured keys; ` +
        `check HERALD_FERNET_KEYS (new key first, then every key still in use). ${consequence}`,
    );
    this.name = 'NoDecryptableWebhooksError';
  }
}

export const UNDECRYPTABLE = 'undecryptable';
const MAX_TRIES_PER_ROW = 5;

const SELECTED = {
  id: true,
  urlEncrypted: true,
  signingSecretEncrypted: true,
  previousSigningSecretEncrypted: true,
  headersEncrypted: true,
  encryptionKeyId: true,
  disabledReason: true,
} as const;

interface StoredRow {
  id: string;
  urlEncrypted: string;
  signingSecretEncrypted: string | null;
  previousSigningSecretEncrypted: string | null;
  headersEncrypted: string | null;
  encryptionKeyId: string | null;
  disabledReason: string | null;
}

type RowResult = { kind: 'rotated' | 'alreadyCurrent' | 'undecryptable' | 'changed'; reenabled?: boolean };

function tokensOf(row: StoredRow): string[] {
  return [row.urlEncrypted, row.signingSecretEncrypted, row.previousSigningSecretEncrypted, row.headersEncrypted].filter(
    (t): t is string => t !== null,
  );
}

function isCurrent(row: StoredRow, codec: RotationCodec): boolean {
  return row.encryptionKeyId === codec.primaryKeyId && tokensOf(row).every((token) => codec.isEncryptedWithPrimary(token));
}

/**
 * Throws NoDecryptableWebhooksError when webhooks are stored and not a single one decrypts: almost
 * certainly the wrong key list. A Herald process runs it as it starts (and then refuses to start);
 * keys:rotate runs it first and then touches nothing. Plain SQL: the worker would otherwise load the
 * ORM's query compiler (about 45 MiB) for this one read.
 */
export async function assertSomeWebhookDecrypts(
  sql: SqlSession,
  codec: Pick<RotationCodec, 'keyIdOf'>,
  options: { batchSize?: number; consequence?: string; ignoreMarkedUndecryptable?: boolean } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 500;
  // Rows already marked undecryptable (an operator's or keys:rotate's verdict) say nothing about these keys.
  const exceptDisabledAs = options.ignoreMarkedUndecryptable ? UNDECRYPTABLE : null;
  let cursor: string | null = null;
  let seen = 0;
  for (;;) {
    const rows = await webhookUrlTokensPage(sql, cursor, batchSize, exceptDisabledAs);
    if (rows.some((row) => codec.keyIdOf(row.urlEncrypted) !== undefined)) return;
    seen += rows.length;
    if (rows.length < batchSize) break;
    cursor = rows.at(-1)?.id ?? null;
  }
  if (seen > 0) throw new NoDecryptableWebhooksError(seen, options.consequence);
}

async function rotateRow(prisma: PrismaClient, codec: RotationCodec, row: StoredRow, now: Date): Promise<RowResult> {
  // Compare-and-set on the tokens read: an API edit in between wins, and the row is read again.
  const unchanged = {
    id: row.id,
    urlEncrypted: row.urlEncrypted,
    signingSecretEncrypted: row.signingSecretEncrypted,
    previousSigningSecretEncrypted: row.previousSigningSecretEncrypted,
    headersEncrypted: row.headersEncrypted,
  };
  // Disabled only because some process could not decrypt it, and it decrypts now: enable it again.
  const reenable = row.disabledReason === UNDECRYPTABLE ? { disabledReason: null, disabledAt: null } : {};
  const changed = (count: number, result: RowResult): RowResult => (count === 1 ? result : { kind: 'changed' });

  if (isCurrent(row, codec)) {
    if (row.disabledReason !== UNDECRYPTABLE) return { kind: 'alreadyCurrent' };
    const updated = await prisma.webhook.updateMany({ where: unchanged, data: reenable });
    return changed(updated.count, { kind: 'alreadyCurrent', reenabled: true });
  }
  const reencrypt = (token: string | null) => (token === null || codec.isEncryptedWithPrimary(token) ? token : codec.rotate(token));
  let tokens;
  try {
    tokens = {
      urlEncrypted: reencrypt(row.urlEncrypted) ?? row.urlEncrypted,
      signingSecretEncrypted: reencrypt(row.signingSecretEncrypted),
      previousSigningSecretEncrypted: reencrypt(row.previousSigningSecretEncrypted),
      headersEncrypted: reencrypt(row.headersEncrypted),
    };
  } catch {
    if (row.disabledReason === UNDECRYPTABLE) return { kind: 'undecryptable' };
    const marked = await prisma.webhook.updateMany({ where: unchanged, data: { disabledReason: UNDECRYPTABLE, disabledAt: now } });
    return changed(marked.count, { kind: 'undecryptable' });
  }
  const updated = await prisma.webhook.updateMany({
    where: unchanged,
    data: { ...tokens, encryptionKeyId: codec.primaryKeyId, ...reenable },
  });
  return changed(updated.count, { kind: 'rotated', reenabled: row.disabledReason === UNDECRYPTABLE });
}

/**
 * Re-encrypts every webhook's URL, signing secrets and request headers with the primary (first) Fernet key, in
 * batches ordered by id. Resumable and idempotent: rows already under the primary key are skipped,
 * so an interrupted run is simply started again. A row no key decrypts is marked
 * disabled_reason 'undecryptable' and counted; it never stops the run. Once the report shows
 * no undecryptable rows, older keys can be removed from HERALD_FERNET_KEYS.
 */
export async function rotateKeys(
  database: Pick<Database, 'prisma' | 'sql'>,
  codec: RotationCodec,
  options: RotateKeysOptions = {},
): Promise<KeyRotationReport> {
  const { prisma, sql } = database;
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const now = options.now ?? (() => new Date());
  await assertSomeWebhookDecrypts(sql, codec, { batchSize });

  const report: KeyRotationReport = { rotated: 0, alreadyCurrent: 0, undecryptable: 0, skipped: 0, reenabled: 0 };
  let cursor: string | undefined;
  for (;;) {
    const rows: StoredRow[] = await prisma.webhook.findMany({
      select: SELECTED,
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    for (const first of rows) {
      let row: StoredRow | null = first;
      let result: RowResult = { kind: 'changed' };
      for (let tries = 0; row !== null && tries < MAX_TRIES_PER_ROW; tries += 1) {
        result = await rotateRow(prisma, codec, row, now());
        if (result.kind !== 'changed') break;
        row = await prisma.webhook.findUnique({ select: SELECTED, where: { id: row.id } });
      }
      if (row === null) continue; // deleted meanwhile
      if (result.kind === 'changed') report.skipped += 1;
      else report[result.kind] += 1;
      if (result.reenabled) report.reenabled += 1;
      if (result.kind === 'undecryptable') options.onUndecryptable?.(row.id);
    }
    options.onBatch?.({ ...report });
    if (rows.length < batchSize) break;
    cursor = rows.at(-1)?.id;
  }
  return report;
}
