export * from './select-webhooks';
export * from './route-plan';
