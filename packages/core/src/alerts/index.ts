export * from './field-error';
export * from './json-data';
export * from './alert-input-schema';
export * from './parse-alert-input';
export * from './test-alert';
export type * from './alert-summary';
export type * from './console-event';
