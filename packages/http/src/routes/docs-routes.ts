import type { FastifyInstance } from 'fastify';
import { PAGE_CSP } from '../dashboard/html';
import { OPENAPI_DOCUMENT } from '../openapi/openapi-document';
import { renderDocsPage } from '../openapi/render-docs';

/** The OpenAPI document and its rendered page; public, as they hold no data. */
export function docsRoutes(app: FastifyInstance): void {
  const page = renderDocsPage(OPENAPI_DOCUMENT);
  app.get('/docs/openapi.json', async () => OPENAPI_DOCUMENT);
  app.get('/docs', async (_request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(page),
  );
}
