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

/** Name of the dashboard's HttpOnly session cookie; it holds the token the operator logged in with. */
export const SESSION_COOKIE = 'herald_token';

/** The bearer token of a request, or the dashboard's HttpOnly cookie. */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim() || null;
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string') {
    const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie);
    if (match?.[1]) {
      try {
        return decodeURIComponent(match[1]);
      } catch {
        return null;
      }
    }
  }
  return null;
}

export interface AuthDeps {
  prisma: PrismaClient;
  adminToken: string | undefined;
  now?: () => number;
}

/** The principal a secret stands for: the configured admin token, or a stored token that is not revoked. */
export async function resolvePrincipal(deps: AuthDeps, secret: string): Promise<Principal | null> {
  if (deps.adminToken && safeEqual(secret, deps.adminToken)) return { tokenId: 'config-admin', role: 'admin', orgId: null };
  // Lookup by SHA-256: the secret itself is never stored or compared byte by byte.
  const token = await deps.prisma.apiToken.findUnique({ where: { hash: hashApiToken(secret) } });
  if (!token || token.revokedAt !== null) return null;
  noteUse(deps, token);
  return { tokenId: token.id, role: token.role, orgId: token.orgId };
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Keeps `last_used_at` to the minute, so operators can find idle tokens, without a write per request. */
function noteUse(deps: AuthDeps, token: { id: string; lastUsedAt: Date | null }): void {
  const now = (deps.now ?? Date.now)();
  if (token.lastUsedAt && now - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  deps.prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
}

/** Resolves the bearer token (or the dashboard's HttpOnly cookie) to a principal on every request. */
export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const secret = presentedToken(request);
    if (secret) request.principal = await resolvePrincipal(deps, secret);
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
