export * from './mask-webhook-url';
export * from './infer-webhook-type';
export * from './alert-type-filter';
