import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { escapeHtml, PAGE_CSP } from '../dashboard/html';
import { notFound } from '../http-errors';
import { typed } from '../plugins/route-schemas';
import { errors } from '../openapi/response-schemas';
import type { ServerDeps } from '../server-deps';

/** The console's scripts and styles come from Herald's origin only; no inline script or style. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Where the built console may be: HERALD_CONSOLE_DIR, next to the sources, next to an app bundle, or under the working directory. */
export function consoleDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    env.HERALD_CONSOLE_DIR,
    path.resolve(__dirname, '..', '..', '..', '..', 'apps', 'console', 'dist'),
    path.resolve(__dirname, '..', '..', 'console', 'dist'),
    path.resolve(process.cwd(), 'apps', 'console', 'dist'),
  ].filter((dir): dir is string => typeof dir === 'string' && dir.length > 0);
}

export function findConsoleDir(env: NodeJS.ProcessEnv = process.env): string | null {
  return consoleDirCandidates(env).find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? null;
}

const NOT_BUILT_PAGE = (looked: string[]) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Herald console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The Herald console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm run build -w @herald/console</code>) and restart Herald.</p>
<p>Looked in: ${looked.map((dir) => `<code>${escapeHtml(dir)}</code>`).join(', ')}.</p>
<p>The API works without it: <a href="/docs">API docs</a>.</p>
</body></html>`;

/**
 * The operator console (apps/console, built by Vite) at `/`, its hashed assets under `/assets/`,
 * all under a strict CSP. The console uses the public JSON API only. Without a build, `/` says how
 * to make one. The same two routes exist either way.
 */
export async function consoleRoutes(app: FastifyInstance, _deps: ServerDeps): Promise<void> {
  const dir = findConsoleDir();
  const looked = consoleDirCandidates();
  const api = typed(app);
  api.get(
    '/',
    {
      schema: {
        operationId: 'consolePage',
        tags: ['Console'],
        summary: 'The operator console (web page)',
        description:
          'The console signs in with a token (a server-side session) and then uses this API only; it can do no more than the signed-in token. Without a build of apps/console, a page saying how to build it.\n\n**Who:** anyone (what it shows needs an admin or org_admin sign-in).',
        security: [],
        response: { 200: { description: 'The console page', content: { 'text/html': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => {
      const html = dir ? await fs.promises.readFile(path.join(dir, 'index.html'), 'utf8').catch(() => null) : null;
      return reply
        .code(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', html ? CONSOLE_CSP : PAGE_CSP)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(html ?? NOT_BUILT_PAGE(looked));
    },
  );
  const assets = dir ? path.join(dir, 'assets') : null;
  if (assets && fs.existsSync(assets)) await app.register(fastifyStatic, { root: assets, serve: false });
  // Vite's output names are flat (index-<hash>.js): one path segment, no directories to walk.
  api.get(
    '/assets/:file',
    {
      config: { notFoundAs: { file: 'asset' } },
      schema: {
        operationId: 'consoleAsset',
        tags: ['Console'],
        summary: 'A script, style sheet or image of the console',
        description: 'Content-hashed file names, cached for a year.\n\n**Who:** anyone.',
        security: [],
        params: z.object({
          file: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected a file name' })
            .meta({ description: 'A file name from the console page, e.g. `index-<hash>.js`' }),
        }),
        response: {
          200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string() } } },
          ...errors(404),
        },
      },
    },
    async (request, reply) => {
      if (!assets || !reply.sendFile) throw notFound('asset');
      return (
        reply
          .header('content-security-policy', CONSOLE_CSP)
          .header('x-content-type-options', 'nosniff')
          // Hashed names: a file's content never changes.
          .header('cache-control', 'public, max-age=31536000, immutable')
          .sendFile(request.params.file)
      );
    },
  );
}
