import { mapAppriseBody } from './apprise';
import { mapHeraldBody } from './herald';
import type { IngestContext, IngestMapping } from './ingest-alert';
import { mapOdinBody } from './odin';

export * from './ingest-alert';
export { mapOdinBody } from './odin';
export { mapAppriseBody, SEVERITY_BY_APPRISE_TYPE } from './apprise';
export { mapHeraldBody } from './herald';

/** The body formats an ingest URL can take, one per source. */
export const INGEST_SOURCE_KINDS = ['odin', 'apprise', 'herald'] as const;
export type IngestSourceKind = (typeof INGEST_SOURCE_KINDS)[number];

const MAPPERS: Record<IngestSourceKind, (body: unknown, context: IngestContext) => IngestMapping> = {
  odin: mapOdinBody,
  apprise: mapAppriseBody,
  herald: mapHeraldBody,
};

/** A posted body, in its source's format, as an alert (or a connection test, or a refusal naming the fields). */
export function mapIngestBody(kind: IngestSourceKind, body: unknown, context: IngestContext): IngestMapping {
  return MAPPERS[kind](body, context);
}
