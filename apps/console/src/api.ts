/** The console talks to Herald's public JSON API only, as the signed-in principal. */

import type { AlertSummary, ConsoleEvent } from '@herald/core';

export interface Principal {
  role: 'admin' | 'org_admin' | 'ingestor';
  org_id: number | null;
}

export interface FieldError {
  field: string;
  message: string;
}

/** An API refusal: its status, code, message and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }

  /** The message for a form field: errors naming the field itself or one of its parts (`alert_types.0`). */
  forField(name: string): string | undefined {
    return this.fields.find((error) => error.field === name || error.field.startsWith(`${name}.`) || error.field.startsWith(`${name}[`))
      ?.message;
  }
}

let csrfToken: string | null = null;
/** Only when Herald has no session endpoint (older servers): the token lives in this tab's memory, never in storage. */
let bearerToken: string | null = null;

function headers(method: string, hasBody: boolean): Record<string, string> {
  const result: Record<string, string> = { accept: 'application/json' };
  if (hasBody) result['content-type'] = 'application/json';
  if (bearerToken) result.authorization = `Bearer ${bearerToken}`;
  else if (csrfToken && method !== 'GET') result['x-csrf-token'] = csrfToken;
  return result;
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: string; message?: string; errors?: FieldError[] } | null;
  return new ApiError(
    response.status,
    body?.error ?? `http_${response.status}`,
    body?.message ?? `${response.status} ${response.statusText}`,
    Array.isArray(body?.errors) ? body.errors : [],
  );
}

let sessionEndedHandler: (() => void) | null = null;

/** Called once when Herald stops accepting this tab's session (logout elsewhere, token revoked, expiry). */
export function onSessionEnded(handler: () => void): void {
  sessionEndedHandler = handler;
}

/** A 401 on a call made with credentials: forget them and tell the app, which shows the sign-in page. */
function sessionEnded(): void {
  if (!csrfToken && !bearerToken) return;
  csrfToken = null;
  bearerToken = null;
  sessionEndedHandler?.();
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(method, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 401) sessionEnded();
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

interface SessionBody {
  principal: Principal;
  csrf_token: string;
  expires_at: string;
}

/** Signs in with an API token: Herald answers with a session cookie (HttpOnly) and a CSRF token. */
export async function signIn(token: string): Promise<Principal> {
  const response = await fetch('/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token }),
    credentials: 'same-origin',
  });
  if (response.ok) {
    const session = (await response.json()) as SessionBody;
    csrfToken = session.csrf_token;
    bearerToken = null;
    return session.principal;
  }
  if (response.status !== 404) throw await errorOf(response);
  // A Herald without sessions: use the token as a bearer token for this tab only.
  bearerToken = token;
  try {
    return await principalFromApi();
  } catch (error) {
    bearerToken = null;
    throw error instanceof ApiError && error.status === 401
      ? new ApiError(401, 'unauthorized', 'That token is not valid.', [{ field: 'token', message: 'not a valid token' }])
      : error;
  }
}

/** Without a session endpoint: an admin may list tokens; an org admin sees its one organization. */
async function principalFromApi(): Promise<Principal> {
  try {
    await get('/v1/tokens');
    return { role: 'admin', org_id: null };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
  }
  const orgs = await get<{ data: { id: number }[] }>('/v1/orgs');
  return { role: 'org_admin', org_id: orgs.data[0]?.id ?? null };
}

/** The session of this browser, if its cookie is still good. */
export async function resumeSession(): Promise<Principal | null> {
  const response = await fetch('/v1/session', { headers: { accept: 'application/json' }, credentials: 'same-origin' }).catch(() => null);
  if (!response?.ok) return null;
  const session = (await response.json()) as SessionBody;
  csrfToken = session.csrf_token;
  return session.principal;
}

export async function signOut(): Promise<void> {
  if (!bearerToken) await api('DELETE', '/v1/session').catch(() => undefined);
  bearerToken = null;
  csrfToken = null;
}

/**
 * Follows GET /v1/events (server-sent events) with fetch, so it carries the same credentials as
 * every other call (a bearer header cannot go on an EventSource). Reconnects after a drop, and stops
 * once Herald answers 401 (the session ended).
 */
export function followEvents(onEvent: (event: ConsoleEvent) => void, onState: (live: boolean) => void): () => void {
  const abort = new AbortController();
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const response = await fetch('/v1/events', { headers: headers('GET', false), credentials: 'same-origin', signal: abort.signal });
        if (response.status === 401) {
          // The stream ended because the session did: stop here rather than knock every few seconds.
          onState(false);
          sessionEnded();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            if (data) onEvent(JSON.parse(data) as ConsoleEvent);
          }
        }
      } catch {
        if (stopped) return;
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}

/** A row of the alerts list: the live feed's shape, plus the message where the API includes it. */
export type AlertRow = AlertSummary & { message?: string };

export interface Attempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  outcome: string;
  error_class: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  kind: string;
  /** Null once the webhook is deleted; webhook_name still names it. */
  webhook_id: string | null;
  webhook_name: string | null;
  webhook?: { id: string; name: string; type: string; url: string };
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  latency_ms: number | null;
  attempts?: Attempt[];
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  type: string;
  alert_types: string[];
  enabled: boolean;
  org_id: number | null;
  retry_schedule: number[];
  rate_limit: { limit: number; intervalMs?: number; interval_ms?: number; burst?: number } | null;
  disabled_reason: string | null;
  disabled_at: string | null;
  signed: boolean;
}

export interface WebhookHealth {
  webhook_id: string;
  failure_streak: number;
  failing_since: string | null;
  last_status: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
}

export interface Organization {
  id: number;
  name: string;
  enterprise: boolean;
  /** Private addresses and CIDR ranges the organization's webhooks may reach (set by an admin). */
  allowed_private_targets: string[];
}

export interface Printer {
  id: number;
  name: string;
  org_id: number | null;
}
