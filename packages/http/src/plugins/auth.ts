import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashApiToken, safeEqual } from '@herald/crypto';
import type { PrismaClient } from '@herald/db';
import { forbidden, unauthorized } from '../http-errors';

export type Role = 'admin' | 'org_admin' | 'ingestor';

export interface Principal {
  /** Token id; `config-admin` for HERALD_ADMIN_TOKEN. Dedupe keys are scoped by it. */
  tokenId: string;
  role: Role;
  orgId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function bearerFrom(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string') {
    const match = /(?:^|;\s*)herald_token=([^;]+)/.exec(cookie);
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  return null;
}

/** Resolves the bearer token (or the dashboard's HttpOnly cookie) to a principal on every request. */
export function registerAuth(app: FastifyInstance, deps: { prisma: PrismaClient; adminToken: string | undefined }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const secret = bearerFrom(request);
    if (!secret) return;
    if (deps.adminToken && safeEqual(secret, deps.adminToken)) {
      request.principal = { tokenId: 'config-admin', role: 'admin', orgId: null };
      return;
    }
    // Lookup by SHA-256: the secret itself is never stored or compared byte by byte.
    const token = await deps.prisma.apiToken.findUnique({ where: { hash: hashApiToken(secret) } });
    if (token && token.revokedAt === null) request.principal = { tokenId: token.id, role: token.role, orgId: token.orgId };
  });
}

/** Throws 401 without a valid token, 403 when the role is not among `roles`. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = request.principal;
  if (!principal) throw unauthorized();
  if (!roles.includes(principal.role)) throw forbidden();
  return principal;
}

/** For organization resources: admins see all, org admins only their own; others get 404 (existence not revealed). */
export function canSeeOrg(principal: Principal, orgId: number | null): boolean {
  return principal.role === 'admin' || (principal.orgId !== null && principal.orgId === orgId);
}
