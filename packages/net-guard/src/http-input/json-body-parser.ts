import type { FastifyInstance } from 'fastify';
import { jsonDepthExceeds } from './json-depth';

export const DEFAULT_MAX_JSON_DEPTH = 32;

export interface JsonBodyParserOptions {
  /** Deepest nesting accepted (default 32; the top-level object is 1). */
  maxDepth?: number;
  /**
   * The error for a body nested too deeply. Pass the API's own 400 error (e.g. http's
   * `badRequest([{ field: 'body', message }])`) so it is answered like any validation failure.
   * Default: an Error with statusCode 400 and code HERALD_JSON_TOO_DEEP.
   */
  tooDeep?: (message: string) => Error;
}

/** The default error for a too-deep body; Fastify answers errors with a statusCode below 500 as that status. */
export class JsonTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'HERALD_JSON_TOO_DEEP';
  readonly errors: { field: string; message: string }[];

  constructor(message: string) {
    super(message);
    this.name = 'JsonTooDeepError';
    this.errors = [{ field: 'body', message }];
  }
}

/**
 * Replaces Fastify's application/json parser with one that first refuses bodies nested deeper
 * than `maxDepth`, then hands over to Fastify's own parser (same prototype-poisoning protection,
 * same FST_ERR_CTP_* errors for empty or invalid JSON). An empty body on a route without a body
 * schema is read as no body. Body size limits still apply (per route).
 */
export function registerJsonBodyParser(app: FastifyInstance, options: JsonBodyParserOptions = {}): void {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const message = `JSON is nested more than ${maxDepth} levels deep`;
  const tooDeep = options.tooDeep ?? ((text: string) => new JsonTooDeepError(text));
  const fastifyJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    // curl users send the header by habit: an empty body is no body where the route takes none.
    if (text.trim() === '' && request.routeOptions.schema?.body === undefined) {
      done(null, undefined);
      return;
    }
    if (jsonDepthExceeds(text, maxDepth)) {
      done(tooDeep(message), undefined);
      return;
    }
    fastifyJson(request, text, done);
  });
}
