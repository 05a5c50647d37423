import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** Fastify's form, e.g. `/v1/webhooks/:id`. */
  url: string;
}

const routesByApp = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Records every route added to `app` from now on (call before registering any). */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method).toUpperCase(), url: route.url });
  });
}

/** Every route the server answers (HEAD twins of GET routes included, as fastify adds them). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(routesByApp.get(app) ?? [])];
}
