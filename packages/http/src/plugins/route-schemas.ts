import type { FastifyInstance, FastifyRequest, FastifyTypeProvider } from 'fastify';
import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { requireRole, type Principal, type Role } from './auth';
import { unauthorized } from '../http-errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on the route; checked before the body is read or validated (401 / 403). */
    roles?: Role[];
    /** Path parameters naming a row: a malformed value answers 404 `<resource> not found`, as a missing row does. */
    notFoundAs?: Record<string, string>;
  }
}

const handlerValidated = new WeakSet<object>();

/**
 * Marks a schema as documentation only: the route validates that part itself, with its own
 * domain errors (alert ingest, quiet hours), so Fastify passes it through unchanged.
 */
export function validatedByHandler<T extends $ZodType>(schema: T): T {
  handlerValidated.add(schema);
  return schema;
}

/**
 * Fastify validates params, query string and body with the routes' zod schemas. A missing body is
 * validated as `{}` so the answer names the missing fields. Failures reach the error handler as
 * FST_ERR_VALIDATION and become Herald's usual 400 naming each field.
 */
export function registerRouteSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zodSchema = schema as unknown as $ZodType;
    if (handlerValidated.has(zodSchema)) return (data: unknown) => ({ value: data });
    return (data: unknown) => {
      const result = safeParse(zodSchema, httpPart === 'body' ? (data ?? {}) : data);
      if (result.success) return { value: result.data };
      const issues = result.error.issues.map((issue) => ({
        keyword: issue.code,
        instancePath: issue.path.map(String).join('.'),
        schemaPath: '',
        message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
        params: { path: issue.path.map(String) },
      }));
      return { error: issues as unknown as Error };
    };
  });
  // Response schemas document what the presenters return; the presenters shape the answer, so a
  // documentation slip can never turn a good answer into a 500.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const roles = request.routeOptions.config.roles;
    if (roles) requireRole(request, ...roles);
  });
}

/**
 * Request parts typed from the routes' zod schemas. Answers are not typed from the response
 * schemas: the presenters shape them, the response schemas document them.
 */
export interface HeraldTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends $ZodType ? output<this['schema']> : unknown;
  serializer: unknown;
}

/** The app with zod-typed request parts, for route groups. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<HeraldTypeProvider>();

/** The caller of a route whose `config.roles` let it in. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
