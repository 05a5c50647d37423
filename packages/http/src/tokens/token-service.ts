import { z } from 'zod';
import { generateApiToken } from '@herald/crypto';
import { findOrganization, insertApiToken, type ApiToken, type PrismaClient } from '@herald/db';
import type { FieldError } from '@herald/core';
import { badRequest } from '../http-errors';
import { int4IdSchema } from '../validation/int4-ids';

export const TOKEN_ROLES = ['admin', 'org_admin', 'ingestor'] as const;

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(TOKEN_ROLES),
  org_id: int4IdSchema.nullable().default(null),
});

export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export function presentToken(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    org_id: token.orgId,
    prefix: token.prefix,
    created_at: token.createdAt.toISOString(),
    revoked_at: token.revokedAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API token and returns its secret, which exists only in this return value: the row
 * keeps its SHA-256 and a short prefix. An org admin needs an organization; an ingestor may be
 * bound to one (then it may post alerts only for that organization's printers); an admin is global.
 */
export async function createApiToken(prisma: PrismaClient, input: CreateTokenInput): Promise<{ token: ApiToken; secret: string }> {
  const problems = tokenRuleErrors(input);
  if (problems.length > 0) throw badRequest(problems);
  if (input.org_id !== null && !(await findOrganization(prisma, input.org_id))) {
    throw badRequest([{ field: 'org_id', message: `no organization ${input.org_id}` }]);
  }
  const generated = generateApiToken();
  const token = await insertApiToken(prisma, {
    name: input.name,
    role: input.role,
    orgId: input.org_id,
    hash: generated.hash,
    prefix: generated.prefix,
  });
  return { token, secret: generated.secret };
}

/** The role rules that need no database: an org admin needs an organization, an admin has none. */
export function tokenRuleErrors(input: CreateTokenInput): FieldError[] {
  if (input.role === 'org_admin' && input.org_id === null) return [{ field: 'org_id', message: 'required for an org_admin token' }];
  if (input.role === 'admin' && input.org_id !== null)
    return [{ field: 'org_id', message: 'admin tokens are not bound to an organization' }];
  return [];
}
