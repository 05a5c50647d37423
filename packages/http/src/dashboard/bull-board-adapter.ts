import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type {
  AppControllerRoute,
  AppViewRoute,
  BullBoardQueues,
  ControllerHandlerReturnType,
  IServerAdapter,
  UIConfig,
} from '@bull-board/api/typings/app';
import { escapeHtml } from './html';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * bull-board's page template uses plain `<%= name %>` (escaped) and `<%- name %>` (raw) tags only;
 * anything else means the template changed and must be looked at, so it fails loudly.
 * The web-font stylesheet it links from a CDN is dropped: the dashboard loads nothing from outside.
 */
export function renderBoardTemplate(template: string, params: Record<string, string | undefined>): string {
  const withoutCdn = template.replace(/<link[^>]+href="https?:\/\/[^"]*"[^>]*>\s*/g, '');
  const rendered = withoutCdn.replace(/<%([=-])\s*(\w+)\s*%>/g, (_match, kind: string, name: string) => {
    const value = params[name] ?? '';
    return kind === '=' ? escapeHtml(value) : value;
  });
  if (rendered.includes('<%')) throw new Error('bull-board page template uses tags Herald does not render');
  return rendered;
}

/**
 * A fastify server adapter for bull-board that needs no extra fastify plugins: it serves the UI's
 * static files and page itself and calls bull-board's API handlers. (@bull-board/fastify pulls in
 * @fastify/static, whose dependencies are ES modules only.)
 */
export class HeraldBoardAdapter implements IServerAdapter {
  private basePath = '';
  private queues: BullBoardQueues | null = null;
  private viewsPath: string | null = null;
  private statics: { route: string; dir: string } | null = null;
  private entry: AppViewRoute | null = null;
  private errorHandler: ((error: Error) => ControllerHandlerReturnType) | null = null;
  private apiRoutes: AppControllerRoute[] = [];
  private uiConfig: UIConfig = {};

  setBasePath(basePath: string): this {
    this.basePath = basePath;
    return this;
  }
  setQueues(queues: BullBoardQueues): this {
    this.queues = queues;
    return this;
  }
  setViewsPath(viewsPath: string): this {
    this.viewsPath = viewsPath;
    return this;
  }
  setStaticPath(route: string, dir: string): this {
    this.statics = { route, dir };
    return this;
  }
  setEntryRoute(route: AppViewRoute): this {
    this.entry = route;
    return this;
  }
  setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    this.errorHandler = handler;
    return this;
  }
  setApiRoutes(routes: AppControllerRoute[]): this {
    this.apiRoutes = routes;
    return this;
  }
  setUIConfig(config: UIConfig = {}): this {
    this.uiConfig = config;
    return this;
  }

  /** Adds the board's routes to `app`, whose prefix must be the base path. */
  async registerRoutes(app: FastifyInstance): Promise<void> {
    const { queues, viewsPath, statics, entry, errorHandler } = this;
    if (!queues || !viewsPath || !statics || !entry || !errorHandler) throw new Error('createBullBoard must configure the adapter first');

    const { name, params } = entry.handler({ basePath: this.basePath, uiConfig: this.uiConfig });
    const page = renderBoardTemplate(await fs.readFile(path.join(viewsPath, name), 'utf8'), params);
    for (const url of ([] as string[]).concat(entry.route)) {
      app.route({
        method: entry.method.toUpperCase() as 'GET',
        url,
        handler: async (_request, reply) => reply.type('text/html; charset=utf-8').send(page),
      });
    }

    const staticRoot = path.resolve(statics.dir);
    app.get<{ Params: { '*': string } }>(`${statics.route}/*`, async (request, reply) => {
      const file = path.resolve(staticRoot, request.params['*']);
      if (!file.startsWith(`${staticRoot}${path.sep}`)) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
      const body = await fs.readFile(file).catch(() => null);
      if (!body) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
      return reply
        .type(CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
        .header('cache-control', 'private, max-age=86400')
        .send(body);
    });

    for (const route of this.apiRoutes) {
      const methods = ([] as string[]).concat(route.method).map((method) => method.toUpperCase() as 'GET');
      for (const url of ([] as string[]).concat(route.route)) {
        app.route({
          method: methods,
          url,
          handler: async (request, reply) => {
            let result: ControllerHandlerReturnType;
            try {
              result = await route.handler({
                queues,
                uiConfig: this.uiConfig,
                params: request.params as Record<string, string>,
                query: request.query as Record<string, string>,
                body: (request.body ?? {}) as Record<string, unknown>,
                headers: request.headers as Record<string, string | undefined>,
              });
            } catch (error) {
              result = errorHandler(error instanceof Error ? error : new Error(String(error)));
            }
            return reply.code(result.status ?? 200).send(result.body);
          },
        });
      }
    }
  }
}
