export * from './herald-metrics';
export * from './metrics-for';
export * from './instrument-ingestor';
export * from './metrics-listener';
export * from './queue-age';
