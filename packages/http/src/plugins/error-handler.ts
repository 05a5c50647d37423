import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AlertRejectedError } from '@herald/ingest';
import { isDatabaseUnavailable } from '@herald/db';
import { badRequest, HttpError, notFound } from '../http-errors';
import { maskIngestKeyInPath } from '../ingest/ingest-source-service';

interface ErrorBody {
  error: string;
  message: string;
  errors?: { field: string; message: string }[];
}

type Send = (status: number, body: ErrorBody, headers?: Record<string, string>) => unknown;

/**
 * A request the route schema refused: 400 naming each field (`body` when the whole body is wrong),
 * or 404 for a malformed path id of a row (as for a row that does not exist).
 */
function sendValidationFailure(error: FastifyError, request: FastifyRequest, send: Send) {
  const context = error.validationContext ?? 'body';
  const errors = (error.validation ?? []).map((v) => ({
    field:
      v.instancePath.replace(/^\//, '').replace(/\//g, '.') || (context === 'body' ? 'body' : String(v.params?.missingProperty ?? context)),
    message: v.message ?? 'invalid',
  }));
  const resource = context === 'params' ? request.routeOptions.config.notFoundAs?.[errors[0]?.field ?? ''] : undefined;
  const refusal = resource ? notFound(resource) : badRequest(errors);
  return send(refusal.statusCode, { error: refusal.code, message: refusal.message, ...(refusal.errors ? { errors: refusal.errors } : {}) });
}

/** Every failure becomes a JSON body naming what is wrong; internals and secrets stay in the (redacted) log. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${maskIngestKeyInPath(request.url.split('?')[0] ?? '')}` });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const send = (status: number, body: ErrorBody, headers: Record<string, string> = {}) => reply.code(status).headers(headers).send(body);
    if (error instanceof HttpError) {
      return send(
        error.statusCode,
        { error: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) },
        error.headers,
      );
    }
    if (error instanceof AlertRejectedError) {
      return send(error.status, {
        error: error.status === 403 ? 'forbidden' : 'validation_failed',
        message: error.message,
        errors: error.errors,
      });
    }
    switch (error.code) {
      case 'rate_limited':
        return send(429, { error: 'rate_limited', message: error.message });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, {
          error: 'body_too_large',
          message: `request body exceeds ${request.routeOptions.bodyLimit ?? 0} bytes`,
          errors: [{ field: 'body', message: 'too large' }],
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(415, {
          error: 'unsupported_media_type',
          message: 'send JSON with Content-Type: application/json',
          errors: [{ field: 'content-type', message: 'must be application/json' }],
        });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, {
          error: 'invalid_json',
          message: 'request body is not valid JSON',
          errors: [{ field: 'body', message: 'not valid JSON' }],
        });
      case 'FST_ERR_VALIDATION':
        return sendValidationFailure(error, request, send);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn('database unavailable');
      return send(503, { error: 'database_unavailable', message: 'the database is not answering; retry shortly' }, { 'retry-after': '5' });
    }
    if (error.statusCode && error.statusCode < 500) {
      return send(error.statusCode, { error: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(500, { error: 'internal', message: 'internal error' });
  });
}
