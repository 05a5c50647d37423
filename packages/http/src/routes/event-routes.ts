import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import { consoleEventsChannel, parseConsoleEvents, type ConsoleEvent } from '@herald/queue';
import type { Principal } from '../plugins/auth';
import { principalOf } from '../plugins/route-schemas';
import { guarded } from '../openapi/response-schemas';
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
 * GET /v1/events: a server-sent events stream of alert arrivals and delivery outcomes for the
 * console. Workers and API processes publish them on one Redis channel; every API process
 * subscribes (one connection, opened with the first listener), so each listener sees every
 * process's events, filtered by what its principal may see.
 */
export function eventRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const clients = new Set<EventClient>();
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
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n: connected\n\n');
      const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
      const client: EventClient = {
        principal,
        send(events) {
          const visible = events.filter((event) => canSeeEvent(principal, event));
          if (visible.length > 0) raw.write(formatServerSentEvents(visible));
        },
        end() {
          clearInterval(heartbeat);
          raw.end();
        },
      };
      clients.add(client);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        clients.delete(client);
      });
    },
  );
}
