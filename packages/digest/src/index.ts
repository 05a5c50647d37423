export * from './digest-service';
export * from './digest-tick';
export * from './dispatch-digest';
export * from './digest-closing';
export * from './digest-label';
export * from './digest-scopes';
