export * from './server';
export * from './server-deps';
export * from './http-errors';
export * from './plugins/auth';
export * from './presenters';
export * from './route-registry';
export * from './tokens/token-service';
export { DOCS_PATH } from './openapi/api-docs';
export { DASHBOARD_PATH, LOGIN_PATH, LOGOUT_PATH } from './dashboard/dashboard-routes';
