export * from './server';
export * from './server-deps';
export * from './http-errors';
export * from './plugins/auth';
export * from './presenters';
