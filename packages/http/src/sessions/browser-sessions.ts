import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  createSession,
  deleteEndedSessions,
  findSessionByHash,
  revokeSessionByHash,
  touchSession,
  type PrismaClient,
  type StoredSession,
} from '@herald/db';
import { safeEqual } from '@herald/crypto';
import type { Principal } from '../plugins/auth';

/** The cookie holding a browser's session id (never a token). */
export const SESSION_COOKIE = 'herald_session';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

/** A live session as the API sees it. */
export interface BrowserSession {
  principal: Principal;
  tokenName: string;
  /** Sent back as `x-csrf-token` on every state-changing request made with the cookie. */
  csrfToken: string;
  /** When the session ends if it is not used again (the sooner of idle and absolute expiry). */
  expiresAt: Date;
}

export interface SessionStoreDeps {
  prisma: PrismaClient;
  /** HERALD_ADMIN_TOKEN as configured now: sessions opened with an earlier value end. */
  adminToken: string | undefined;
  policy: SessionPolicy;
}

/** last_seen_at is kept to the minute (or a tenth of the idle time), not written on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

const hashOf = (sessionId: string) => createHash('sha256').update(sessionId, 'utf8').digest('hex');

/**
 * Derived from the session id, so it needs no storage and a reloaded page gets it back from
 * GET /v1/session; a page on another site cannot read the HttpOnly cookie it is derived from.
 */
export const csrfTokenOf = (sessionId: string) => createHmac('sha256', sessionId).update('herald-csrf-token').digest('base64url');

const configTokenFingerprint = (adminToken: string) =>
  createHash('sha256').update(`herald-session-config-admin:${adminToken}`, 'utf8').digest('hex');

function liveUntil(session: Pick<StoredSession, 'lastSeenAt' | 'expiresAt'>, policy: SessionPolicy): Date {
  return new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + policy.idleMs));
}

/** Opens a session for a principal that just proved its token; returns the cookie value (shown once). */
export async function openSession(
  deps: SessionStoreDeps,
  opened: { principal: Principal; tokenName: string },
  now: Date,
): Promise<{ sessionId: string; session: BrowserSession }> {
  // Logins are rare: tidying up here keeps the table to the sessions that can still be used.
  await deleteEndedSessions(deps.prisma, now, new Date(now.getTime() - deps.policy.idleMs));
  const sessionId = randomBytes(32).toString('base64url');
  const isConfigAdmin = opened.principal.tokenId === CONFIG_ADMIN_ID;
  const stored = {
    hash: hashOf(sessionId),
    tokenId: isConfigAdmin ? null : opened.principal.tokenId,
    configTokenHash: isConfigAdmin && deps.adminToken ? configTokenFingerprint(deps.adminToken) : null,
    role: opened.principal.role,
    orgId: opened.principal.orgId,
    tokenName: opened.tokenName,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.policy.maxMs),
  };
  await createSession(deps.prisma, stored);
  return {
    sessionId,
    session: {
      principal: opened.principal,
      tokenName: opened.tokenName,
      csrfToken: csrfTokenOf(sessionId),
      expiresAt: liveUntil({ lastSeenAt: now, expiresAt: stored.expiresAt }, deps.policy),
    },
  };
}

export const CONFIG_ADMIN_ID = 'config-admin';

/** The stored session a cookie value names if it is live: not revoked, not expired or idle, and its token still valid. */
async function findLiveSession(deps: SessionStoreDeps, sessionId: string, now: Date): Promise<StoredSession | null> {
  const stored = await findSessionByHash(deps.prisma, hashOf(sessionId));
  if (!stored || stored.revokedAt !== null || stored.tokenRevokedAt !== null) return null;
  if (liveUntil(stored, deps.policy).getTime() <= now.getTime()) return null;
  if (stored.tokenId === null) {
    const current = deps.adminToken ? configTokenFingerprint(deps.adminToken) : null;
    if (current === null || stored.configTokenHash === null || !safeEqual(stored.configTokenHash, current)) return null;
  }
  return stored;
}

/** The live session a cookie value names (this request counts as use: it keeps an idle session going). */
export async function resumeSession(deps: SessionStoreDeps, sessionId: string, now: Date): Promise<BrowserSession | null> {
  const stored = await findLiveSession(deps, sessionId, now);
  if (!stored) return null;
  let lastSeenAt = stored.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() >= Math.min(LAST_SEEN_RESOLUTION_MS, deps.policy.idleMs / 10)) {
    lastSeenAt = now;
    await touchSession(deps.prisma, stored.id, now);
  }
  return {
    principal: { tokenId: stored.tokenId ?? CONFIG_ADMIN_ID, role: stored.role, orgId: stored.orgId },
    tokenName: stored.tokenName,
    csrfToken: csrfTokenOf(sessionId),
    expiresAt: liveUntil({ lastSeenAt, expiresAt: stored.expiresAt }, deps.policy),
  };
}

/**
 * When the session a cookie value names ends if it is not used again, or null if it has ended. Not
 * counted as use: an open event stream does not keep an idle session going.
 */
export async function sessionLiveUntil(deps: SessionStoreDeps, sessionId: string, now: Date): Promise<Date | null> {
  const stored = await findLiveSession(deps, sessionId, now);
  return stored ? liveUntil(stored, deps.policy) : null;
}

/** Ends the session a cookie value names (nothing happens for an unknown one). */
export async function endSession(deps: Pick<SessionStoreDeps, 'prisma'>, sessionId: string, now: Date): Promise<void> {
  await revokeSessionByHash(deps.prisma, hashOf(sessionId), now);
}

export function csrfTokenMatches(sessionId: string, presented: string): boolean {
  return safeEqual(presented, csrfTokenOf(sessionId));
}
