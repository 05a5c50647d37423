import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { HERALD_VERSION } from '@herald/config';

export const DOCS_PATH = '/docs';

/**
 * The docs page runs Swagger UI's own bundle, served from this origin (no CDN). Scripts and styles
 * come from 'self'; Swagger UI sets inline style attributes, hence 'unsafe-inline' for styles only.
 * The try-it console calls this same origin (connect-src 'self').
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const DESCRIPTION = `Alert delivery for 3D-print farms: a farm manager (O.D.I.N., Moonraker, OctoPrint or a script) posts alerts;
Herald stores them, holds them in quiet hours and delivers them to Discord, Slack, Telegram, ntfy, Pushover, WhatsApp,
Teams and any HTTP endpoint with retries, pacing and signatures.

Authenticate with \`Authorization: Bearer <token>\` (an API token \`hrld_…\` or HERALD_ADMIN_TOKEN). Errors are JSON
\`{"error": code, "message": text, "errors": [{"field", "message"}]}\`; a 400 names each bad field.

This document is generated from the routes' own schemas.`;

/**
 * Generates the OpenAPI document from the route schemas (register before any route) and serves
 * it at /docs/openapi.json, rendered with examples and a try-it console at /docs.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Herald API', version: HERALD_VERSION, description: DESCRIPTION },
      tags: [
        { name: 'Alerts', description: 'Alerts in, and their delivery history' },
        { name: 'Deliveries', description: 'One delivery per alert and webhook, with every attempt' },
        { name: 'Webhooks', description: 'System webhooks and each organization’s own' },
        { name: 'Organizations', description: 'Organizations, their settings and printers' },
        {
          name: 'Ingest URLs',
          description: 'URLs with their own key, for senders that cannot set a header (O.D.I.N., Apprise/Moonraker, Zapier)',
        },
        { name: 'Quiet hours', description: 'Windows that hold alerts for a digest' },
        { name: 'Tokens', description: 'API tokens' },
        { name: 'Operations', description: 'Health, readiness and metrics' },
        { name: 'Dashboard', description: 'The queue dashboard’s login' },
      ],
      components: {
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (`hrld_…`), HERALD_ADMIN_TOKEN, or for /metrics HERALD_METRICS_TOKEN.',
          },
        },
      },
      security: [{ bearerToken: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { deepLinking: true, tryItOutEnabled: false, displayRequestDuration: true },
    staticCSP: DOCS_CSP,
  });
  app.get(`${DOCS_PATH}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
}
