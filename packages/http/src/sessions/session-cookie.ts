import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../plugins/auth';
import { SESSION_COOKIE } from './browser-sessions';
import { cookieMaySkipSecure } from './same-origin';

/** Before sessions, the dashboard kept the raw admin token in this cookie; it is cleared wherever it may linger. */
const LEGACY_TOKEN_COOKIE = 'herald_token';

function cookieOptions(request: FastifyRequest, auth: Authenticator) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: !cookieMaySkipSecure(request, auth.mode),
  };
}

/** HttpOnly, SameSite=Strict, Path=/, Secure (see cookieMaySkipSecure); the browser keeps it for the absolute lifetime at most. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, auth: Authenticator, sessionId: string): void {
  void reply.setCookie(SESSION_COOKIE, sessionId, {
    ...cookieOptions(request, auth),
    maxAge: Math.floor(auth.sessions.policy.maxMs / 1000),
  });
  void reply.clearCookie(LEGACY_TOKEN_COOKIE, { path: '/admin' });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, auth: Authenticator): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request, auth));
  void reply.clearCookie(LEGACY_TOKEN_COOKIE, { path: '/admin' });
}
