import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ALERT_TYPES, alertInputSchema, mapIngestBody, SEVERITIES, type IngestSourceKind } from '@herald/core';
import { findActiveIngestSource, type ActiveIngestSource } from '@herald/db';
import { takeRateLimitToken } from '@herald/net-guard';
import { badRequest, HttpError } from '../http-errors';
import { errors } from '../openapi/response-schemas';
import { typed, validatedByHandler } from '../plugins/route-schemas';
import { uuidSchema } from '../validation/request-schemas';
import { hashIngestKey, INGEST_PATH, maskedIngestPath } from '../ingest/ingest-source-service';
import type { ServerDeps } from '../server-deps';

/** One alert per request, as POST /v1/alerts. */
const INGEST_BODY_LIMIT = 64 * 1024;

// ---- documentation of what the mappers read (they validate leniently themselves) ----------------

const ODIN_EXAMPLE = {
  type: 'print_failed',
  severity: 'critical',
  title: 'Print failed',
  message: 'Benchy failed on Prusa MK4 #3',
  printer_id: 3,
  printer_name: 'Prusa MK4 #3',
  timestamp: 1764576000.5,
};

const odinGenericBody = z
  .looseObject({
    type: z.string().optional(),
    severity: z.string().optional(),
    title: z.string(),
    message: z.string().optional(),
    printer_id: z.union([z.number().int(), z.string()]).optional(),
    printer_name: z.string().optional(),
    timestamp: z.number().optional().meta({ description: 'Epoch seconds (fractional allowed)' }),
  })
  .meta({ title: 'O.D.I.N. generic webhook', description: 'Its documented payload; extra fields are ignored.' });

const odinEventBody = z
  .looseObject({ event: z.string(), title: z.string().optional(), message: z.string().optional(), severity: z.string().optional() })
  .meta({
    title: 'O.D.I.N. event',
    description: '`{"event": <alert type>, ...}`; `{"event": "test"}` is its Test button: 200, no alert.',
  });

const slackShapedBody = z
  .looseObject({
    blocks: z.array(z.looseObject({ type: z.string(), text: z.looseObject({ type: z.string(), text: z.string() }).optional() })),
  })
  .meta({ title: 'O.D.I.N. Slack-shaped', description: 'A header block `<emoji> title` and a section with the message.' });

const appriseBody = z
  .looseObject({
    version: z.string().optional(),
    title: z.string().optional(),
    message: z.string(),
    type: z.enum(['info', 'success', 'warning', 'failure']).optional(),
    attachments: z.array(z.unknown()).optional(),
  })
  .meta({ title: 'Apprise json://', description: 'Moonraker `[notifier]`, OctoPrint Apprise plugin.' });

const ingestBody = validatedByHandler(
  z.union([odinGenericBody, odinEventBody, slackShapedBody, appriseBody, alertInputSchema.meta({ title: 'Herald alert' })]).meta({
    description:
      "In the source's format: `odin` takes any of O.D.I.N.'s bodies, `apprise` Apprise's `json://` payload, `herald` the POST /v1/alerts body. Read leniently: unknown fields are ignored, an unknown alert type is saved as is.",
    example: ODIN_EXAMPLE,
  }),
);

const ingestQuery = validatedByHandler(
  z.object({
    alert_type: z
      .enum(ALERT_TYPES as [string, ...string[]])
      .optional()
      .meta({ description: 'Alert type when the body names none' }),
    printer_id: z.string().optional().meta({ description: 'Printer when the body names none' }),
    printer_name: z.string().optional().meta({ description: 'Printer name when the body names none' }),
    severity: z.enum(SEVERITIES).optional().meta({ description: 'Severity when the body gives none' }),
  }),
);

const ingestParams = validatedByHandler(
  z.object({ key: z.string().meta({ description: 'The ingest key, from the URL given when the source was created' }) }),
);

const savedAnswer = z.object({
  id: uuidSchema,
  type: z.string(),
  unknown_type: z.literal(true).optional().meta({ description: 'The type is not one of the 14 alert types; saved as is.' }),
});

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

  typed(app).post(
    `${INGEST_PATH}/:key`,
    {
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        operationId: 'ingestAlert',
        tags: ['Ingest URLs'],
        summary: 'Post an alert to an ingest URL (no header)',
        description:
          'The body in the source\'s format. Query parameters `alert_type`, `printer_id`, `printer_name` and `severity` fill what the body leaves out. O.D.I.N.\'s test body `{"event":"test"}` answers 200 and creates no alert. Body limit 64 KiB; rate limited per source.\n\n**Who:** anyone holding the URL (the key in the path is the credential).',
        security: [],
        params: ingestParams,
        querystring: ingestQuery,
        body: ingestBody,
        response: {
          200: z
            .union([
              savedAnswer.extend({ status: z.literal('duplicate') }),
              z.object({ status: z.literal('test_received'), message: z.string() }),
            ])
            .meta({ description: "Already received, or the sender's connection test (recorded on the source)" }),
          202: savedAnswer.extend({ status: z.literal('queued') }).meta({ description: 'Accepted' }),
          ...errors(400, 401, 403, 413, 415, 429, 503),
        },
      },
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
        query: firstValues(request.query as Record<string, string | string[] | undefined>),
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
