export * from './http-sender';
export * from './request-headers';
