export * from './select-webhooks';
