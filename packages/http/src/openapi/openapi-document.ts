import { z } from 'zod';
import { HERALD_VERSION } from '@herald/config';
import { ALERT_TYPES, SEVERITIES, WEBHOOK_TYPES, alertBatchSchema, alertInputSchema } from '@herald/core';
import { ALERT_STATUSES } from '../routes/alert-routes';
import { DELIVERY_STATUSES } from '../routes/delivery-routes';
import { createOrgSchema, orgSettingsSchema, printerSchema, updateOrgSchema } from '../routes/org-routes';
import { createSessionSchema } from '../routes/session-routes';
import { createTokenSchema, TOKEN_ROLES } from '../tokens/token-service';
import { createWebhookSchema, updateWebhookSchema } from '../validation/webhook-input';
import { MAX_INT4 } from '../validation/int4-ids';
import type {
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from './openapi-types';

export type { OpenApiDocument } from './openapi-types';

type Role = (typeof TOKEN_ROLES)[number];

/** Request bodies come from the same zod schemas the routes validate with, so they cannot drift. */
function fromZod(schema: z.ZodType): SchemaObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json as SchemaObject;
}

const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): ReferenceObject => ({ $ref: `#/components/responses/${name}` });
const json = (schema: SchemaObject, description: string): ResponseObject => ({ description, content: { 'application/json': { schema } } });
const nullable = (schema: SchemaObject): SchemaObject => ({ anyOf: [schema, { type: 'null' }] });
const listOf = (name: string): SchemaObject => ({
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: ref(name) } },
});
const pageOf = (name: string): SchemaObject => ({
  type: 'object',
  required: ['data', 'next_cursor'],
  properties: {
    data: { type: 'array', items: ref(name) },
    next_cursor: {
      ...nullable({ type: 'string', format: 'uuid' }),
      description: 'Pass as `cursor` for the next (older) page; null on the last page.',
    },
  },
});
const obj = (properties: Record<string, SchemaObject>, required = Object.keys(properties)): SchemaObject => ({
  type: 'object',
  required,
  properties,
});

const path = (name: string, description: string, schema: SchemaObject = { type: 'string' }): ParameterObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const query = (name: string, description: string, schema: SchemaObject = { type: 'string' }, required = false): ParameterObject => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

/** Organization and printer ids are PostgreSQL integers. */
const INT4_ID: SchemaObject = { type: 'integer', minimum: 1, maximum: MAX_INT4 };
const ORG_ID = path('id', 'Organization id', INT4_ID);
const WEBHOOK_ORG_ID = path('orgId', 'Organization id', INT4_ID);
const UUID_ID = (what: string) => path('id', `${what} id`, { type: 'string', format: 'uuid' });
const CURSOR = query('cursor', 'Id of the last item of the previous page', { type: 'string', format: 'uuid' });
const LIMIT = query('limit', 'Page size (default 50, at most 500)', { type: 'integer', minimum: 1, maximum: 500 });

const ROLE_TEXT: Record<Role | 'public', string> = {
  admin: 'admin',
  org_admin: 'org admin (own organization)',
  ingestor: 'ingestor',
  public: 'no token',
};

interface OperationSpec {
  id: string;
  tag: string;
  summary: string;
  description?: string;
  /** 'public': no authentication. */
  roles: Role[] | 'public';
  parameters?: ParameterObject[];
  body?: SchemaObject;
  bodyType?: string;
  responses: Record<string, ResponseObject | ReferenceObject>;
}

function operation(spec: OperationSpec): OperationObject {
  const isPublic = spec.roles === 'public';
  const responses: Record<string, ResponseObject | ReferenceObject> = { ...spec.responses };
  if (!isPublic) {
    responses['401'] ??= responseRef('Unauthorized');
    responses['403'] ??= responseRef('Forbidden');
  }
  if (spec.body) responses['400'] ??= responseRef('ValidationFailed');
  const who = isPublic ? ROLE_TEXT.public : (spec.roles as Role[]).map((role) => ROLE_TEXT[role]).join(', ');
  return {
    operationId: spec.id,
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description ? `${spec.description}\n\n` : ''}**Who:** ${who}.`,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { [spec.bodyType ?? 'application/json']: { schema: spec.body } } } } : {}),
    responses,
    ...(isPublic ? { security: [] } : { 'x-herald-roles': spec.roles as Role[] }),
  };
}

/** The webhook routes exist twice: system webhooks and one organization's webhooks. */
function webhookPaths(scope: 'system' | 'organization'): Record<string, PathItemObject> {
  const org = scope === 'organization';
  const base = org ? '/v1/orgs/{orgId}/webhooks' : '/v1/webhooks';
  const roles: Role[] = org ? ['admin', 'org_admin'] : ['admin'];
  const scopeParams = org ? [WEBHOOK_ORG_ID] : [];
  const idParams = [...scopeParams, UUID_ID('Webhook')];
  const prefix = org ? 'OrgWebhook' : 'SystemWebhook';
  const what = org ? "an organization's webhook" : 'a system webhook';
  const notFound = { '404': responseRef('NotFound') };
  return {
    [base]: {
      get: operation({
        id: `list${prefix}s`,
        tag: 'Webhooks',
        summary: org ? "List an organization's webhooks" : 'List system webhooks',
        roles,
        parameters: scopeParams,
        responses: { '200': json(listOf('Webhook'), 'The webhooks, URLs masked'), ...(org ? notFound : {}) },
      }),
      post: operation({
        id: `create${prefix}`,
        tag: 'Webhooks',
        summary: org ? 'Create an organization webhook' : 'Create a system webhook',
        description: `The URL is checked (https, unless the host is in HERALD_ALLOWED_PRIVATE_TARGETS), encrypted before it is stored and only ever returned masked. \`type\` is inferred from the URL when omitted. A generic webhook gets a signing secret, returned once.${org ? ' Needs the Enterprise licence on the organization (403 otherwise).' : ''}`,
        roles,
        parameters: scopeParams,
        body: fromZod(createWebhookSchema),
        responses: {
          '201': json(ref('CreatedWebhook'), 'Created'),
          '422': responseRef('ValidationFailed'),
          ...(org ? notFound : {}),
        },
      }),
    },
    [`${base}/{id}`]: {
      get: operation({
        id: `get${prefix}`,
        tag: 'Webhooks',
        summary: `Get ${what}`,
        roles,
        parameters: idParams,
        responses: { '200': json(ref('Webhook'), 'The webhook'), ...notFound },
      }),
      patch: operation({
        id: `update${prefix}`,
        tag: 'Webhooks',
        summary: `Change ${what}`,
        description: 'Enabling it again, or giving it a new URL, clears an automatic disable.',
        roles,
        parameters: idParams,
        body: fromZod(updateWebhookSchema),
        responses: { '200': json(ref('Webhook'), 'The changed webhook'), '422': responseRef('ValidationFailed'), ...notFound },
      }),
      delete: operation({
        id: `delete${prefix}`,
        tag: 'Webhooks',
        summary: `Delete ${what}`,
        roles,
        parameters: idParams,
        responses: { '204': { description: 'Deleted' }, ...notFound },
      }),
    },
    [`${base}/{id}/test`]: {
      post: operation({
        id: `test${prefix}`,
        tag: 'Webhooks',
        summary: `Send a test payload to ${what}`,
        description: "Sends a test alert in the webhook's format and reports what the endpoint answered.",
        roles,
        parameters: idParams,
        responses: {
          '200': json(
            obj({ ok: { type: 'boolean' }, status_code: { type: 'integer' }, latency_ms: { type: 'integer' } }),
            'What the endpoint answered',
          ),
          '422': json(ref('Error'), 'The SSRF guard refused the destination (error destination_blocked)'),
          '502': json(ref('Error'), 'The endpoint did not answer'),
          ...notFound,
        },
      }),
    },
    [`${base}/{id}/rotate-secret`]: {
      post: operation({
        id: `rotateSecret${prefix}`,
        tag: 'Webhooks',
        summary: `Rotate the signing secret of ${what}`,
        description:
          'Generic webhooks only. Returns a new signing secret once; the previous secret keeps signing alongside it (webhook-signature then carries two v1 signatures) until previous_secret_expires_at, 24 hours from now, so receivers can switch without losing a message. A previous secret from an earlier rotation is dropped.',
        roles,
        parameters: idParams,
        responses: {
          '200': json(
            {
              ...WEBHOOK,
              properties: {
                ...WEBHOOK.properties,
                signing_secret: { type: 'string', description: 'The new secret; shown once.' },
                previous_secret_expires_at: nullable({ type: 'string', format: 'date-time' }),
              },
            },
            'The webhook with its new secret',
          ),
          '409': json(ref('Error'), 'Discord and Slack webhooks are not signed'),
          ...notFound,
        },
      }),
    },
    [`${base}/{id}/replay`]: {
      post: operation({
        id: `replay${prefix}`,
        tag: 'Deliveries',
        summary: `Re-send the failed deliveries of ${what}`,
        description:
          'Every delivery of this webhook that ended `failed` or `dead` and was created at or after `since` goes back to `pending` and is sent again (its job id stays the delivery id, so it is never doubled). Each gets one more attempt; throttled answers still wait and retry.',
        roles,
        parameters: [...idParams, query('since', 'Epoch seconds or ISO 8601 time', { type: 'string' }, true)],
        responses: {
          '202': json(
            obj({
              webhook_id: { type: 'string', format: 'uuid' },
              since: { type: 'string', format: 'date-time' },
              replayed: { type: 'integer', description: 'Deliveries sent again' },
              skipped: { type: 'integer', description: 'Matching deliveries a worker held at that moment' },
            }),
            'Replay started',
          ),
          '400': responseRef('ValidationFailed'),
          '409': json(ref('Error'), 'The webhook is disabled'),
          ...notFound,
        },
      }),
    },
  };
}

const WEBHOOK: SchemaObject = obj(
  {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    url: {
      type: 'string',
      description:
        "Masked: scheme, the host's last two labels (IP addresses whole) and the last four characters, e.g. `https://discord.com/…/••••wxyz` or `https://…pipedream.net/…/••••wxyz`.",
    },
    type: { type: 'string', enum: WEBHOOK_TYPES },
    alert_types: { type: 'array', items: { type: 'string', enum: ALERT_TYPES }, description: 'Empty: every type.' },
    enabled: { type: 'boolean' },
    org_id: nullable({ type: 'integer' }),
    retry_schedule: { type: 'array', items: { type: 'integer' }, description: 'Seconds between attempts; empty: the global schedule.' },
    rate_limit: nullable({ type: 'object' }),
    disabled_reason: nullable({ type: 'string' }),
    disabled_at: nullable({ type: 'string', format: 'date-time' }),
    signed: { type: 'boolean', description: 'Requests carry a `webhook-signature` header.' },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string', const: '••••' },
      description: 'Extra request headers by name; values are never shown.',
    },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  ['id', 'name', 'url', 'type', 'alert_types', 'enabled', 'org_id', 'signed', 'created_at', 'updated_at'],
);

const ATTEMPT: SchemaObject = obj({
  attempt: { type: 'integer' },
  started_at: { type: 'string', format: 'date-time' },
  duration_ms: { type: 'integer' },
  status_code: nullable({ type: 'integer' }),
  outcome: { type: 'string', enum: ['delivered', 'retry', 'throttled', 'failed'] },
  error_class: nullable({ type: 'string' }),
  error: nullable({ type: 'string' }),
});

const DELIVERY: SchemaObject = obj(
  {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['alert', 'digest', 'notice'] },
    alert_id: nullable({ type: 'string', format: 'uuid' }),
    digest_id: nullable({ type: 'string', format: 'uuid' }),
    webhook_id: { type: 'string', format: 'uuid' },
    webhook: obj({
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      type: { type: 'string', enum: WEBHOOK_TYPES },
      url: { type: 'string', description: 'Masked' },
    }),
    status: { type: 'string', enum: DELIVERY_STATUSES },
    attempt_count: { type: 'integer' },
    next_attempt_at: nullable({ type: 'string', format: 'date-time' }),
    last_status_code: nullable({ type: 'integer' }),
    last_error: nullable({ type: 'string' }),
    created_at: { type: 'string', format: 'date-time' },
    delivered_at: nullable({ type: 'string', format: 'date-time' }),
    latency_ms: nullable({ type: 'integer', description: 'Alert receipt to 2xx' }),
    attempts: { type: 'array', items: ref('DeliveryAttempt'), description: 'Only on single-delivery and single-alert answers.' },
  },
  ['id', 'kind', 'alert_id', 'webhook_id', 'status', 'attempt_count', 'created_at'],
);

const ALERT: SchemaObject = obj(
  {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: ALERT_TYPES },
    severity: { type: 'string', enum: SEVERITIES },
    title: { type: 'string' },
    message: { type: 'string' },
    printer_id: { type: 'integer' },
    printer_name: nullable({ type: 'string' }),
    org_id: nullable({ type: 'integer' }),
    timestamp: { type: 'number', description: 'Epoch seconds' },
    received_at: { type: 'string', format: 'date-time' },
    dedupe_key: nullable({ type: 'string' }),
    data: {},
    status: { type: 'string', enum: ALERT_STATUSES },
    status_reason: nullable({ type: 'string' }),
    digest_id: nullable({ type: 'string', format: 'uuid' }),
    deliveries: { type: 'array', items: ref('Delivery'), description: 'Only on GET /v1/alerts/{id}.' },
  },
  ['id', 'type', 'severity', 'title', 'message', 'printer_id', 'org_id', 'timestamp', 'received_at', 'status'],
);

const TOKEN: SchemaObject = obj(
  {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    role: { type: 'string', enum: TOKEN_ROLES },
    org_id: nullable({ type: 'integer' }),
    prefix: { type: 'string', description: 'First characters of the secret, to recognise it.' },
    created_at: { type: 'string', format: 'date-time' },
    revoked_at: nullable({ type: 'string', format: 'date-time' }),
    last_used_at: nullable({ type: 'string', format: 'date-time' }),
  },
  ['id', 'name', 'role', 'org_id', 'prefix', 'created_at', 'revoked_at'],
);

const QUIET_HOURS_INPUT: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'start', 'end'],
  properties: {
    enabled: { type: 'boolean' },
    start: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', examples: ['22:00'] },
    end: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', examples: ['07:00'] },
    timezone: nullable({ type: 'string', description: 'IANA zone, default UTC' }),
    digest: nullable({ type: 'boolean', description: 'Send a digest when the window ends (default true)' }),
    bypass_severities: nullable({ type: 'array', items: { type: 'string', enum: SEVERITIES } }),
    digest_when_empty: nullable({ type: 'boolean' }),
  },
};

const QUIET_HOURS: SchemaObject = obj({
  enabled: { type: 'boolean' },
  start: { type: 'string' },
  end: { type: 'string' },
  timezone: { type: 'string' },
  digest: { type: 'boolean' },
  bypass_severities: { type: 'array', items: { type: 'string', enum: SEVERITIES } },
  digest_when_empty: { type: 'boolean' },
});

const HTML = (description: string): ResponseObject => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const REDIRECT = (description: string): ResponseObject => ({ description, headers: { location: { schema: { type: 'string' } } } });

function buildDocument(): OpenApiDocument {
  const notFound = { '404': responseRef('NotFound') };
  const paths: Record<string, PathItemObject> = {
    '/healthz': {
      get: operation({
        id: 'health',
        tag: 'Operations',
        summary: 'Liveness',
        roles: 'public',
        responses: { '200': json(obj({ status: { type: 'string', const: 'ok' } }), 'The process answers') },
      }),
    },
    '/readyz': {
      get: operation({
        id: 'ready',
        tag: 'Operations',
        summary: 'Readiness: Redis and the database answer',
        roles: 'public',
        responses: {
          '200': json(ref('Readiness'), 'Ready'),
          '503': json(ref('Readiness'), 'Redis or the database is down'),
        },
      }),
    },
    '/v1/alerts': {
      post: operation({
        id: 'postAlert',
        tag: 'Alerts',
        summary: 'Post one alert',
        description:
          "Saved before the answer, then queued for fan-out. A repeated `dedupe_key` from the same token returns the first alert with 200. An ingestor token bound to an organization may only post for that organization's printers (403). Body limit 64 KiB.",
        roles: ['admin', 'ingestor'],
        body: fromZod(alertInputSchema),
        responses: {
          '202': json(obj({ id: { type: 'string', format: 'uuid' }, status: { type: 'string', const: 'queued' } }), 'Accepted'),
          '200': json(
            obj({ id: { type: 'string', format: 'uuid' }, status: { type: 'string', const: 'duplicate' } }),
            'Duplicate of an earlier alert',
          ),
          '413': responseRef('ValidationFailed'),
          '415': responseRef('ValidationFailed'),
        },
      }),
      get: operation({
        id: 'listAlerts',
        tag: 'Alerts',
        summary: 'List alerts, newest first',
        description: "An org admin sees only its organization's alerts.",
        roles: ['admin', 'org_admin'],
        parameters: [
          query('type', 'Alert type', { type: 'string', enum: ALERT_TYPES }),
          query('status', 'Alert status', { type: 'string', enum: ALERT_STATUSES }),
          query('printer_id', 'Printer id', INT4_ID),
          query('org_id', 'Organization id (admins)', INT4_ID),
          query('since', 'Occurred at or after (epoch seconds or ISO 8601)'),
          query('until', 'Occurred before (epoch seconds or ISO 8601)'),
          CURSOR,
          LIMIT,
        ],
        responses: { '200': json(pageOf('Alert'), 'A page of alerts'), '400': responseRef('ValidationFailed') },
      }),
    },
    '/v1/alerts/batch': {
      post: operation({
        id: 'postAlertBatch',
        tag: 'Alerts',
        summary: 'Post up to 1000 alerts at once',
        description: 'All or nothing: one bad item rejects the batch, naming its index. Body limit 1 MiB.',
        roles: ['admin', 'ingestor'],
        body: fromZod(alertBatchSchema),
        responses: {
          '202': json(
            obj({ ids: { type: 'array', items: { type: 'string', format: 'uuid' } }, duplicates: { type: 'integer' } }),
            'Accepted, ids in input order',
          ),
          '413': responseRef('ValidationFailed'),
        },
      }),
    },
    '/v1/alerts/{id}': {
      get: operation({
        id: 'getAlert',
        tag: 'Alerts',
        summary: 'One alert with its deliveries and attempts',
        roles: ['admin', 'org_admin'],
        parameters: [UUID_ID('Alert')],
        responses: { '200': json(ref('Alert'), 'The alert'), ...notFound },
      }),
    },
    '/v1/deliveries': {
      get: operation({
        id: 'listDeliveries',
        tag: 'Deliveries',
        summary: 'List deliveries, newest first',
        description: "An org admin sees the deliveries of its organization's webhooks, alerts and digests.",
        roles: ['admin', 'org_admin'],
        parameters: [
          query('status', 'Delivery status', { type: 'string', enum: DELIVERY_STATUSES }),
          query('webhook_id', 'Webhook id', { type: 'string', format: 'uuid' }),
          query('alert_id', 'Alert id', { type: 'string', format: 'uuid' }),
          CURSOR,
          LIMIT,
        ],
        responses: { '200': json(pageOf('Delivery'), 'A page of deliveries'), '400': responseRef('ValidationFailed') },
      }),
    },
    '/v1/deliveries/{id}': {
      get: operation({
        id: 'getDelivery',
        tag: 'Deliveries',
        summary: 'One delivery with its attempts',
        roles: ['admin', 'org_admin'],
        parameters: [UUID_ID('Delivery')],
        responses: { '200': json(ref('Delivery'), 'The delivery'), ...notFound },
      }),
    },
    '/v1/deliveries/{id}/retry': {
      post: operation({
        id: 'retryDelivery',
        tag: 'Deliveries',
        summary: 'Send a failed, dead or cancelled delivery again',
        description: 'The delivery goes back to `pending` and gets one more attempt; its job id stays the delivery id.',
        roles: ['admin', 'org_admin'],
        parameters: [UUID_ID('Delivery')],
        responses: {
          '202': json(ref('Delivery'), 'Queued again'),
          '409': json(ref('Error'), 'Not in a final failed state, being processed, or its webhook is disabled'),
          '503': json(ref('Error'), 'The queue is not answering'),
          ...notFound,
        },
      }),
    },
    '/v1/orgs': {
      get: operation({
        id: 'listOrgs',
        tag: 'Organizations',
        summary: 'List organizations',
        description: 'An org admin sees only its own.',
        roles: ['admin', 'org_admin'],
        responses: { '200': json(listOf('Organization'), 'Organizations') },
      }),
      post: operation({
        id: 'createOrg',
        tag: 'Organizations',
        summary: 'Create an organization',
        roles: ['admin'],
        body: fromZod(createOrgSchema),
        responses: { '201': json(ref('Organization'), 'Created') },
      }),
    },
    '/v1/orgs/{id}': {
      get: operation({
        id: 'getOrg',
        tag: 'Organizations',
        summary: 'One organization',
        roles: ['admin', 'org_admin'],
        parameters: [ORG_ID],
        responses: { '200': json(ref('Organization'), 'The organization'), ...notFound },
      }),
      patch: operation({
        id: 'updateOrg',
        tag: 'Organizations',
        summary: 'Rename an organization or set its Enterprise licence',
        roles: ['admin'],
        parameters: [ORG_ID],
        body: fromZod(updateOrgSchema),
        responses: { '200': json(ref('Organization'), 'The changed organization'), ...notFound },
      }),
    },
    '/v1/orgs/{id}/settings': {
      put: operation({
        id: 'putOrgSettings',
        tag: 'Organizations',
        summary: 'The organization\'s single "Webhook URL" setting',
        description:
          'Kept as one managed webhook. Without `webhook_type` the type is inferred from the URL (discord.com → discord, hooks.slack.com → slack, else generic), also when a new URL replaces the old one; a webhook that becomes generic is signed (rotate its secret to see one). `null` removes it. Needs the Enterprise licence.',
        roles: ['admin', 'org_admin'],
        parameters: [ORG_ID],
        body: fromZod(orgSettingsSchema),
        responses: {
          '200': json(
            obj({ webhook_url: nullable({ type: 'string', description: 'Masked' }), webhook: nullable(ref('Webhook')) }),
            'The setting, URL masked',
          ),
          '422': responseRef('ValidationFailed'),
          ...notFound,
        },
      }),
    },
    '/v1/orgs/{id}/quiet-hours': {
      get: operation({
        id: 'getOrgQuietHours',
        tag: 'Quiet hours',
        summary: "An organization's quiet hours",
        roles: ['admin', 'org_admin'],
        parameters: [ORG_ID],
        responses: { '200': json(ref('QuietHours'), 'The setting'), ...notFound },
      }),
      put: operation({
        id: 'putOrgQuietHours',
        tag: 'Quiet hours',
        summary: "Set an organization's quiet hours",
        roles: ['admin', 'org_admin'],
        parameters: [ORG_ID],
        body: QUIET_HOURS_INPUT,
        responses: { '200': json(ref('QuietHours'), 'The saved setting'), ...notFound },
      }),
    },
    '/v1/settings/quiet-hours': {
      get: operation({
        id: 'getSystemQuietHours',
        tag: 'Quiet hours',
        summary: 'System quiet hours',
        roles: ['admin'],
        responses: { '200': json(ref('QuietHours'), 'The setting') },
      }),
      put: operation({
        id: 'putSystemQuietHours',
        tag: 'Quiet hours',
        summary: 'Set system quiet hours',
        roles: ['admin'],
        body: QUIET_HOURS_INPUT,
        responses: { '200': json(ref('QuietHours'), 'The saved setting') },
      }),
    },
    '/v1/printers': {
      get: operation({
        id: 'listPrinters',
        tag: 'Organizations',
        summary: 'List printers',
        description: "An org admin sees only its organization's printers.",
        roles: ['admin', 'org_admin'],
        responses: { '200': json(listOf('Printer'), 'Printers') },
      }),
    },
    '/v1/printers/{id}': {
      put: operation({
        id: 'putPrinter',
        tag: 'Organizations',
        summary: 'Register a printer or move it to an organization',
        description:
          "Only an admin registers a printer or moves it between organizations (its organization gets its alerts). An org admin may only rename a printer already in its own organization: registering one or moving it is 403, another organization's printer is 404.",
        roles: ['admin', 'org_admin'],
        parameters: [path('id', "The print-farm manager's printer id", INT4_ID)],
        body: fromZod(printerSchema),
        responses: { '200': json(ref('Printer'), 'The printer'), ...notFound },
      }),
    },
    '/v1/tokens': {
      post: operation({
        id: 'createToken',
        tag: 'Tokens',
        summary: 'Create an API token',
        description:
          "The secret is in this answer only; Herald keeps its SHA-256. `org_admin` needs `org_id`; an `ingestor` may have one (then it posts alerts only for that organization's printers).",
        roles: ['admin'],
        body: fromZod(createTokenSchema),
        responses: { '201': json(ref('CreatedToken'), 'Created') },
      }),
      get: operation({
        id: 'listTokens',
        tag: 'Tokens',
        summary: 'List API tokens (no secrets)',
        roles: ['admin'],
        responses: { '200': json(listOf('Token'), 'Tokens') },
      }),
    },
    '/v1/tokens/{id}': {
      delete: operation({
        id: 'revokeToken',
        tag: 'Tokens',
        summary: 'Revoke a token',
        description: 'Takes effect on the next request.',
        roles: ['admin'],
        parameters: [UUID_ID('Token')],
        responses: { '204': { description: 'Revoked' }, ...notFound },
      }),
    },
    '/v1/session': {
      post: operation({
        id: 'openSession',
        tag: 'Tokens',
        summary: 'Log in: trade an API token for a browser session',
        description:
          'Sets the `herald_session` cookie (HttpOnly, SameSite=Strict, Path=/, Secure except over plain http on loopback or outside production) and returns the CSRF token to send as `x-csrf-token` with every state-changing request made with the cookie. Admin and org admin tokens only. Failed attempts are throttled per client address and token prefix (429 with Retry-After).',
        roles: 'public',
        body: fromZod(createSessionSchema),
        responses: {
          '200': json(ref('Session'), 'Session opened'),
          '401': responseRef('Unauthorized'),
          '403': json(ref('Error'), 'Posted from another site, or an ingestor token'),
          '429': json(ref('Error'), 'Too many failed attempts; see Retry-After'),
        },
      }),
      get: operation({
        id: 'getSession',
        tag: 'Tokens',
        summary: "The current cookie's session, with its CSRF token",
        roles: ['admin', 'org_admin'],
        responses: { '200': json(ref('Session'), 'The session') },
      }),
      delete: operation({
        id: 'endSession',
        tag: 'Tokens',
        summary: 'Log out: end the session and clear its cookie',
        description: 'Needs `x-csrf-token` and a same-origin Origin header like every state-changing request made with the cookie.',
        roles: ['admin', 'org_admin'],
        responses: { '204': { description: 'Ended (also when there was no live session)' } },
      }),
    },
    ...webhookPaths('system'),
    ...webhookPaths('organization'),
    '/metrics': {
      get: operation({
        id: 'metrics',
        tag: 'Operations',
        summary: 'Prometheus metrics',
        description: 'An admin token, or HERALD_METRICS_TOKEN as a bearer token.',
        roles: ['admin'],
        responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      }),
    },
    '/docs': {
      get: operation({
        id: 'docs',
        tag: 'Operations',
        summary: 'This document, rendered',
        roles: 'public',
        responses: { '200': HTML('The API reference') },
      }),
    },
    '/docs/openapi.json': {
      get: operation({
        id: 'openapi',
        tag: 'Operations',
        summary: 'This OpenAPI document',
        roles: 'public',
        responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1') },
      }),
    },
    '/admin/queues': {
      get: operation({
        id: 'dashboard',
        tag: 'Dashboard',
        summary: 'Queue dashboard (bull-board)',
        description:
          "Every Herald queue with its job counts, read-only. Admin token as a bearer header or the session cookie set by /admin/login (or POST /v1/session). Without one a browser is sent to the login page and other clients get 401. The dashboard's own assets and JSON API live under this path.",
        roles: ['admin'],
        responses: { '200': HTML('The dashboard'), '302': REDIRECT('To /admin/login (browsers without a session)') },
      }),
    },
    '/admin/login': {
      get: operation({
        id: 'loginPage',
        tag: 'Dashboard',
        summary: 'Dashboard login form',
        roles: 'public',
        parameters: [query('next', 'Dashboard path to return to')],
        responses: { '200': HTML('The form') },
      }),
      post: operation({
        id: 'login',
        tag: 'Dashboard',
        summary: 'Log in to the dashboard with an admin token',
        description:
          'Opens a session like POST /v1/session (admin tokens only), sets its `herald_session` cookie and redirects to `next` (a path inside /admin/queues; anything else goes to /admin/queues). Throttled like every login.',
        roles: 'public',
        body: { type: 'object', required: ['token'], properties: { token: { type: 'string' }, next: { type: 'string' } } },
        bodyType: 'application/x-www-form-urlencoded',
        responses: {
          '303': REDIRECT('Logged in'),
          '401': HTML('Not an admin token: the form again, with the reason'),
          '403': HTML('Posted from another site'),
          '429': HTML('Too many failed attempts; see Retry-After'),
        },
      }),
    },
    '/admin/logout': {
      get: operation({
        id: 'logoutLink',
        tag: 'Dashboard',
        summary: 'Log out of the dashboard',
        roles: 'public',
        responses: { '303': REDIRECT('Session ended, cookie cleared, to the login page') },
      }),
      post: operation({
        id: 'logout',
        tag: 'Dashboard',
        summary: 'Log out of the dashboard',
        roles: 'public',
        responses: { '303': REDIRECT('Session ended, cookie cleared, to the login page') },
      }),
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Herald',
      version: HERALD_VERSION,
      description:
        "Queue-backed alert delivery from 3D-print farms to Discord, Slack and generic HTTP webhooks.\n\nAuthenticate with `Authorization: Bearer <token>`. A missing or invalid token gives 401, a token whose role may not do something 403, and another organization's resource 404 (its existence is not revealed). Webhook URLs are never returned in clear.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [
      { name: 'Alerts', description: 'Ingest and inspect alerts' },
      { name: 'Webhooks', description: 'System and organization webhooks' },
      { name: 'Deliveries', description: 'One delivery per alert and webhook, with its attempts; retry and replay' },
      { name: 'Organizations', description: 'Organizations, their settings and printers' },
      { name: 'Quiet hours', description: 'Hold alerts back and send a digest afterwards' },
      { name: 'Tokens', description: 'API tokens and roles' },
      { name: 'Dashboard', description: 'The operator queue dashboard' },
      { name: 'Operations', description: 'Health, metrics and this document' },
    ],
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', description: 'Machine-readable code, e.g. `validation_failed`' },
            message: { type: 'string' },
            errors: { type: 'array', items: obj({ field: { type: 'string' }, message: { type: 'string' } }) },
          },
        },
        Readiness: obj({
          status: { type: 'string', enum: ['ready', 'degraded'] },
          redis: { type: 'string', enum: ['up', 'down'] },
          database: obj({ status: { type: 'string', enum: ['up', 'down'] }, kind: { type: 'string', enum: ['postgres', 'pglite'] } }),
        }),
        Alert: ALERT,
        Delivery: DELIVERY,
        DeliveryAttempt: ATTEMPT,
        Webhook: WEBHOOK,
        CreatedWebhook: {
          ...WEBHOOK,
          properties: { ...WEBHOOK.properties, signing_secret: { type: 'string', description: 'Generic webhooks only; shown once.' } },
        },
        Organization: obj({
          id: { type: 'integer' },
          name: { type: 'string' },
          enterprise: { type: 'boolean' },
          created_at: { type: 'string', format: 'date-time' },
        }),
        Printer: obj({ id: { type: 'integer' }, name: { type: 'string' }, org_id: nullable({ type: 'integer' }) }),
        Token: TOKEN,
        CreatedToken: {
          ...TOKEN,
          required: [...(TOKEN.required ?? []), 'secret'],
          properties: { ...TOKEN.properties, secret: { type: 'string', description: 'Shown once; store it now.' } },
        },
        QuietHours: QUIET_HOURS,
        Session: obj({
          principal: obj(
            {
              role: { type: 'string', enum: ['admin', 'org_admin'] },
              org_id: nullable({ type: 'integer' }),
              token_name: { type: 'string', description: 'The API token the session was opened with (HERALD_ADMIN_TOKEN for that one)' },
            },
            ['role', 'org_id'],
          ),
          csrf_token: {
            type: 'string',
            description: 'Send as `x-csrf-token` with POST, PUT, PATCH and DELETE requests made with the cookie',
          },
          expires_at: {
            type: 'string',
            format: 'date-time',
            description: 'When the session ends unless used again (idle or absolute limit)',
          },
        }),
      },
      responses: {
        Unauthorized: json(ref('Error'), 'Missing, invalid or revoked token'),
        Forbidden: json(ref('Error'), "The token's role may not do this"),
        NotFound: json(ref('Error'), 'No such resource, or it belongs to another organization'),
        ValidationFailed: json(ref('Error'), 'The request is invalid; `errors` names each field'),
      },
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`hrld_…`), HERALD_ADMIN_TOKEN, or for /metrics HERALD_METRICS_TOKEN.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'herald_session',
          description:
            'A browser session set by POST /v1/session or /admin/login. State-changing requests made with it also need `x-csrf-token` (from the session) and an Origin (or Referer) of this server, else 403.',
        },
      },
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
  };
}

/** Herald's OpenAPI 3.1 document; a test checks it validates and names every route the server registers. */
export const OPENAPI_DOCUMENT: OpenApiDocument = buildDocument();
