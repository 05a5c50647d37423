export * from './config';
export * from './config-error';
export * from './logger';
export * from './version';
export * from './repeated-log';
export * from './redis-target';
