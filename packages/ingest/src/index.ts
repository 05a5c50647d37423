export * from './alert-ingestor';
export * from './alert-producer';
export * from './alert-writer';
export * from './alert-dispatch';
export * from './ingest-errors';
export * from './ingest-source';
export * from './printer-registration';
export * from './source-usage';
