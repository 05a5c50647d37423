export * from './truncate';
export * from './generic-payload';
export * from './discord-payload';
export * from './slack-text';
export * from './slack-payload';
export * from './alert-payload';
