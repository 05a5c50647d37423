export * from './queue-names';
export * from './job-contracts';
export * from './redis-connection';
export * from './herald-queues';
export * from './directory-changes';
export * from './console-events';
