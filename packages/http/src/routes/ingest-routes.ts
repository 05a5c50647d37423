import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mapIngestBody, type IngestSourceKind } from '@herald/core';
import { findActiveIngestSource, type ActiveIngestSource } from '@herald/db';
import { takeRateLimitToken } from '@herald/net-guard';
import { badRequest, HttpError } from '../http-errors';
import { hashIngestKey, INGEST_PATH, maskedIngestPath } from '../ingest/ingest-source-service';
import type { ServerDeps } from '../server-deps';

/** One alert per request, as POST /v1/alerts. */
const INGEST_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    ingestSource?: ActiveIngestSource;
    ingestOutcome?: 'accepted' | 'test';
  }
}

const invalidKey = () => new HttpError(401, 'unauthorized', 'unknown or revoked ingest key: create an ingest source and use its URL');

/**
 * `POST /v1/ingest/<key>`: alerts from senders that cannot set a header. The key in the path picks
 * the source (its body format, organization and default printer); the body is mapped to an alert and
 * saved through the same group-commit path as POST /v1/alerts. The key is looked up before the body
 * is read, is never logged (the path is logged as /v1/ingest/••••<last4>) and never answered back.
 */
export function ingestRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const now = deps.now ?? Date.now;
  const limitPerMinute = deps.config.api.rateLimitPerMinute;

  async function resolveSource(request: FastifyRequest<{ Params: { key: string } }>, reply: FastifyReply) {
    const key = request.params.key;
    const source = key.length >= 8 && key.length <= 128 ? await findActiveIngestSource(deps.sql, hashIngestKey(key)) : null;
    if (!source) throw invalidKey();
    request.ingestSource = source;
    if (limitPerMinute <= 0) return;
    try {
      const decision = await takeRateLimitToken(deps.redis, `${deps.config.queuePrefix}:ingest-rate:${source.id}`, limitPerMinute);
      if (decision.allowed) return;
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      void reply.header('retry-after', String(seconds));
      throw new HttpError(
        429,
        'rate_limited',
        `too many requests for this ingest source: at most ${limitPerMinute} per minute; retry in ${seconds} s`,
      );
    } catch (error) {
      if (error instanceof HttpError) throw error;
      request.log.warn({ err: error }, 'ingest rate limit unavailable (Redis); letting requests through');
    }
  }

  app.post<{ Params: { key: string }; Querystring: Record<string, string | string[] | undefined> }>(
    `${INGEST_PATH}/:key`,
    {
      bodyLimit: INGEST_BODY_LIMIT,
      onRequest: resolveSource,
      onResponse: async (request, reply) => {
        const source = request.ingestSource;
        if (!source) return;
        const outcome = request.ingestOutcome ?? 'rejected';
        deps.ingestUsage.note(source.id, outcome, now());
        request.log.debug(
          { path: maskedIngestPath(source.keyLast4), ingestSourceId: source.id, statusCode: reply.statusCode, outcome },
          'ingest request',
        );
      },
    },
    async (request, reply) => {
      const source = request.ingestSource as ActiveIngestSource;
      const mapping = mapIngestBody(source.kind as IngestSourceKind, request.body, {
        query: firstValues(request.query),
        defaultPrinterId: source.defaultPrinterId,
        nowMs: now(),
      });
      if (mapping.kind === 'rejected') throw badRequest(mapping.errors);
      if (mapping.kind === 'test') {
        request.ingestOutcome = 'test';
        return reply.code(200).send({
          status: 'test_received',
          message: 'Herald received the test; it is recorded on the ingest source, no alert was created',
        });
      }
      if (mapping.ignoredFields.length > 0) {
        request.log.debug({ ingestSourceId: source.id, ignoredFields: mapping.ignoredFields }, 'ingest body fields ignored');
      }
      const ref = await deps.ingestor.ingestMapped(mapping.alert, { id: source.id, orgId: source.orgId });
      request.ingestOutcome = 'accepted';
      return reply.code(ref.created ? 202 : 200).send({
        id: ref.id,
        status: ref.created ? 'queued' : 'duplicate',
        type: mapping.alert.type,
        ...(mapping.unknownType ? { unknown_type: true } : {}),
      });
    },
  );
}

function firstValues(query: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query ?? {})) values[name] = Array.isArray(value) ? value[0] : value;
  return values;
}
