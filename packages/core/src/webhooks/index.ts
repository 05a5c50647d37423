export * from './mask-webhook-url';
export * from './infer-webhook-type';
export * from './alert-type-filter';
export * from './channel-target';
export * from './request-header-rules';
