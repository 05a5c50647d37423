import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { INGEST_SOURCE_KINDS } from '@herald/core';
import { hashApiToken } from '@herald/crypto';
import { createIngestSource, findOrganization, type IngestSource, type PrismaClient } from '@herald/db';
import { badRequest } from '../http-errors';
import { int4IdSchema } from '../validation/int4-ids';

export const INGEST_PATH = '/v1/ingest';
const KEY_PREFIX = 'hik_';

export const createIngestSourceSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(INGEST_SOURCE_KINDS).meta({
    description:
      '`odin`: every body O.D.I.N. posts; `apprise`: Apprise `json://` (Moonraker, OctoPrint); `herald`: the POST /v1/alerts body.',
  }),
  org_id: int4IdSchema.nullable().default(null),
  default_printer_id: int4IdSchema.nullable().default(null).meta({ description: 'Printer for alerts whose body and URL name none.' }),
});

export type CreateIngestSourceInput = z.infer<typeof createIngestSourceSchema>;

/** An ingest URL's path with its key hidden but for its last four characters: all a log, a listing or an error shows. */
export function maskedIngestPath(keyLast4: string): string {
  return `${INGEST_PATH}/••••${keyLast4}`;
}

/** A request path with any ingest key in it masked (for messages that echo a path). */
export function maskIngestKeyInPath(path: string): string {
  return path.replace(/(\/v1\/ingest\/)([^/?#]*)/, (_match, prefix: string, key: string) => `${prefix}••••${key.slice(-4)}`);
}

export function presentIngestSource(source: IngestSource) {
  return {
    id: source.id,
    name: source.name,
    kind: source.kind,
    org_id: source.orgId,
    default_printer_id: source.defaultPrinterId,
    url: maskedIngestPath(source.keyLast4),
    accepted_count: source.acceptedCount,
    rejected_count: source.rejectedCount,
    last_used_at: source.lastUsedAt?.toISOString() ?? null,
    last_test_at: source.lastTestAt?.toISOString() ?? null,
    created_at: source.createdAt.toISOString(),
    revoked_at: source.revokedAt?.toISOString() ?? null,
  };
}

/** The hash an ingest key is stored and looked up by (the key itself is never stored). */
export const hashIngestKey = hashApiToken;

/**
 * Creates an ingest source and answers its key, which exists only in this return value: the row keeps
 * its SHA-256 and last four characters.
 */
export async function createIngestSourceWithKey(
  prisma: PrismaClient,
  input: CreateIngestSourceInput,
): Promise<{ source: IngestSource; key: string }> {
  if (input.org_id !== null && !(await findOrganization(prisma, input.org_id))) {
    throw badRequest([{ field: 'org_id', message: `no organization ${input.org_id}` }]);
  }
  const key = KEY_PREFIX + randomBytes(24).toString('base64url');
  const source = await createIngestSource(prisma, {
    name: input.name,
    kind: input.kind,
    orgId: input.org_id,
    defaultPrinterId: input.default_printer_id,
    keyHash: hashIngestKey(key),
    keyLast4: key.slice(-4),
  });
  return { source, key };
}

/** The full ingest URL for a key, on the base the API is reached at (e.g. `http://127.0.0.1:3000`). */
export function ingestUrl(base: string, key: string): string {
  return `${base.replace(/\/+$/, '')}${INGEST_PATH}/${key}`;
}
