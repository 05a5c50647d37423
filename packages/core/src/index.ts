export * from './alerts/alert-types';
export * from './alerts';
export * from './formatters';
export * from './webhooks';
export * from './quiet-hours';
export * from './delivery-policy';
export * from './formatters/digest';
export * from './routing';
