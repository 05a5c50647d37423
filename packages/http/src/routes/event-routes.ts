import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { ConsoleEvent } from '@herald/core';
import { consoleEventsChannel, parseConsoleEvents } from '@herald/queue';
import { tokenIsLive, type Principal } from '../plugins/auth';
import { principalOf } from '../plugins/route-schemas';
import { guarded } from '../openapi/response-schemas';
import { sessionLiveUntil } from '../sessions/browser-sessions';
import type { ServerDeps } from '../server-deps';

const HEARTBEAT_MS = 15_000;

interface EventClient {
  principal: Principal;
  send(events: ConsoleEvent[]): void;
  end(): void;
}

/** An admin sees every event; an org admin only its own organization's. */
export function canSeeEvent(principal: Principal, event: ConsoleEvent): boolean {
  return principal.role === 'admin' || (principal.orgId !== null && event.org_id === principal.orgId);
}

/** One server-sent event per console event: `event: alert|delivery`, `data: <json>`. */
export function formatServerSentEvents(events: ConsoleEvent[]): string {
  return events.map((event) => `event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

/**
 * When the credential a stream was opened with stops being good, in ms since the epoch: its session's
 * end if not used again, Infinity for a bearer token that is not revoked; null once it is no longer good.
 */
async function credentialLiveUntil(request: FastifyRequest, principal: Principal, now: number): Promise<number | null> {
  const auth = request.server.heraldAuth;
  if (request.sessionId) return (await sessionLiveUntil(auth.sessions, request.sessionId, new Date(now)))?.getTime() ?? null;
  return (await tokenIsLive(auth.sessions.prisma, principal)) ? Infinity : null;
}

/**
 * GET /v1/events: a server-sent events stream of alert arrivals and delivery outcomes for the
 * console. Workers and API processes publish them on one Redis channel; every API process
 * subscribes (one connection, opened with the first listener), so each listener sees every
 * process's events, filtered by what its principal may see. A stream ends when its session or
 * token does (logout, revocation, expiry): it checks every HERALD_SESSION_STREAM_RECHECK_SECONDS, and a
 * batch arriving after the session's known end is not sent but starts a check at once.
 */
export function eventRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const clients = new Set<EventClient>();
  const now = deps.now ?? Date.now;
  const recheckMs = deps.config.session.streamRecheckSeconds * 1000;
  let subscriber: Promise<Redis> | null = null;

  function subscribe(): Promise<Redis> {
    subscriber ??= (async () => {
      // Its own connection (a subscribed one can do nothing else), queueing commands until connected.
      const connection = deps.redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
      connection.on('error', (error: unknown) => app.log.debug({ err: error }, 'console event subscriber error'));
      connection.on('message', (_channel: string, message: string) => {
        const events = parseConsoleEvents(message);
        for (const client of clients) client.send(events);
      });
      try {
        await connection.subscribe(consoleEventsChannel(deps.config.queuePrefix));
      } catch (error) {
        subscriber = null;
        connection.disconnect();
        throw error;
      }
      return connection;
    })();
    return subscriber;
  }

  // Before the server waits for its connections: open streams would hold it forever.
  app.addHook('preClose', async () => {
    for (const client of clients) client.end();
    clients.clear();
    const connection = await subscriber?.catch(() => null);
    await connection?.quit().catch(() => undefined);
  });

  app.get(
    '/v1/events',
    {
      config: { roles: ['admin', 'org_admin'] },
      schema: {
        operationId: 'streamEvents',
        tags: ['Console'],
        summary: 'Live alert arrivals and delivery outcomes (server-sent events)',
        description:
          "A `text/event-stream` that stays open: `event: alert` (a new alert, as the alert list shows it) and `event: delivery` (one recorded attempt: delivery, alert and webhook ids, attempt number, status, status code, duration). Every API process sees every worker's events (Redis pub/sub). An org admin receives only its organization's events.\n\n**Who:** admin, org_admin.",
        response: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
          ...guarded(),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await subscribe();
      openStream(request, reply, principal);
    },
  );

  function openStream(request: FastifyRequest, reply: FastifyReply, principal: Principal): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 3000\n: connected\n\n');
    let liveUntil = request.session?.expiresAt.getTime() ?? Infinity;
    let checking = false;
    const recheck = () => {
      if (checking) return;
      checking = true;
      credentialLiveUntil(request, principal, now()).then(
        (until) => {
          checking = false;
          if (until === null) client.end();
          else liveUntil = until;
        },
        (error: unknown) => {
          // The database is unreachable: keep the stream; the next check decides.
          checking = false;
          request.log.debug({ err: error }, 'event stream: session check failed');
        },
      );
    };
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
    const rechecks = setInterval(recheck, recheckMs);
    const stopTimers = () => {
      clearInterval(heartbeat);
      clearInterval(rechecks);
    };
    const client: EventClient = {
      principal,
      send(events) {
        if (now() >= liveUntil) {
          recheck();
          return;
        }
        const visible = events.filter((event) => canSeeEvent(principal, event));
        if (visible.length > 0) raw.write(formatServerSentEvents(visible));
      },
      end() {
        stopTimers();
        clients.delete(client);
        raw.end();
      },
    };
    clients.add(client);
    request.raw.on('close', () => {
      stopTimers();
      clients.delete(client);
    });
  }
}
