export * from './resolved-webhook';
export * from './webhook-directory';
export * from './plan-route';
export * from './ingest-router';
export * from './routing-table';
