import { useState } from 'preact/hooks';
import { DEFAULT_SEVERITY_BY_TYPE, SEVERITIES, WEBHOOK_TYPES } from '@herald/core/src/alerts/alert-types';
import { inferWebhookType } from '@herald/core/src/webhooks/infer-webhook-type';
import { api, get, type Organization, type Webhook, type WebhookHealth } from '../api';
import { useSession } from '../app';
import { ago, errorText, Field, fieldError, FormError, LoadError, navigate, SecretOnce, TypeIcon, useLoad } from '../ui';

const TYPES_BY_SEVERITY = SEVERITIES.slice()
  .reverse()
  .map((severity) => ({
    severity,
    types: Object.entries(DEFAULT_SEVERITY_BY_TYPE)
      .filter(([, s]) => s === severity)
      .map(([type]) => type),
  }));

const SEVERITY_PRESETS: { label: string; severities: string[] }[] = [
  { label: 'Critical only', severities: ['critical'] },
  { label: 'Warning and critical', severities: ['warning', 'critical'] },
  { label: 'Everything', severities: [] },
];

type Scope = { kind: 'system' } | { kind: 'org'; orgId: number };

const base = (scope: Scope) => (scope.kind === 'system' ? '/v1/webhooks' : `/v1/orgs/${scope.orgId}/webhooks`);
const scopeHash = (scope: Scope) => (scope.kind === 'system' ? '#/webhooks/system' : `#/webhooks/org/${scope.orgId}`);

function typesLabel(types: string[]): string {
  if (types.length === 0) return 'all alert types';
  for (const preset of SEVERITY_PRESETS) {
    const expected = TYPES_BY_SEVERITY.filter((g) => preset.severities.includes(g.severity)).flatMap((g) => g.types);
    if (expected.length === types.length && expected.every((t) => types.includes(t))) return preset.label.toLowerCase();
  }
  return types.join(', ');
}

interface FormState {
  name: string;
  url: string;
  type: string;
  typeChosen: boolean;
  alertTypes: string[];
  retrySchedule: string;
  rateLimit: string;
  rateInterval: string;
}

function WebhookForm({ scope, existing, onSaved }: { scope: Scope; existing?: Webhook; onSaved: (secret: string | null) => void }) {
  const [form, setForm] = useState<FormState>(() => ({
    name: existing?.name ?? '',
    url: '',
    type: existing?.type ?? 'generic',
    typeChosen: existing !== undefined,
    alertTypes: existing?.alert_types ?? [],
    retrySchedule: existing?.retry_schedule.join(', ') ?? '',
    rateLimit: existing?.rate_limit ? String(existing.rate_limit.limit) : '',
    rateInterval: existing?.rate_limit ? String(existing.rate_limit.intervalMs ?? existing.rate_limit.interval_ms ?? '') : '',
  }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const toggleType = (type: string, on: boolean) =>
    set({ alertTypes: on ? [...form.alertTypes, type] : form.alertTypes.filter((t) => t !== type) });

  const submit = async () => {
    const retry = form.retrySchedule.trim()
      ? form.retrySchedule
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number)
      : existing
        ? []
        : undefined;
    const body: Record<string, unknown> = {
      name: form.name,
      type: form.type,
      alert_types: form.alertTypes,
      ...(form.url ? { url: form.url } : {}),
      ...(retry !== undefined ? { retry_schedule: retry } : {}),
      ...(form.rateLimit
        ? { rate_limit: { limit: Number(form.rateLimit), interval_ms: Number(form.rateInterval || 1000) } }
        : existing?.rate_limit
          ? { rate_limit: null }
          : {}),
    };
    const saved = await api<Webhook & { signing_secret?: string }>(
      existing ? 'PATCH' : 'POST',
      existing ? `${base(scope)}/${existing.id}` : base(scope),
      body,
    );
    onSaved(saved.signing_secret ?? null);
  };

  return (
    <form
      class="panel"
      aria-label={existing ? `Edit ${existing.name}` : 'Add a webhook'}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        submit()
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <h2>{existing ? `Edit ${existing.name}` : 'Add a webhook'}</h2>
      <Field label="Name" id="wh-name" error={fieldError(error, 'name')}>
        <input id="wh-name" name="name" required value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Field
        label={existing ? `URL (leave empty to keep ${existing.url})` : 'URL'}
        id="wh-url"
        error={fieldError(error, 'url')}
        hint="Paste the URL: Discord and Slack webhook URLs are recognised."
      >
        <input
          id="wh-url"
          name="url"
          type="url"
          required={!existing}
          autoComplete="off"
          value={form.url}
          aria-describedby="wh-url-hint"
          onInput={(e) => {
            const url = e.currentTarget.value;
            set({ url, ...(form.typeChosen ? {} : { type: inferWebhookType(url) }) });
          }}
        />
      </Field>
      <Field label="Type" id="wh-type" error={fieldError(error, 'type')}>
        <select id="wh-type" name="type" value={form.type} onChange={(e) => set({ type: e.currentTarget.value, typeChosen: true })}>
          {WEBHOOK_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>Alert types (none ticked: every type)</legend>
        <div class="presets" role="group" aria-label="Severity filters">
          {SEVERITY_PRESETS.map((preset) => (
            <button
              type="button"
              key={preset.label}
              onClick={() =>
                set({ alertTypes: TYPES_BY_SEVERITY.filter((g) => preset.severities.includes(g.severity)).flatMap((g) => g.types) })
              }
            >
              {preset.label}
            </button>
          ))}
        </div>
        {TYPES_BY_SEVERITY.map((group) => (
          <fieldset key={group.severity} class={`severity-group sev-${group.severity}`}>
            <legend>{group.severity}</legend>
            {group.types.map((type) => (
              <label key={type} class="check">
                <input
                  type="checkbox"
                  name="alert_types"
                  value={type}
                  checked={form.alertTypes.includes(type)}
                  onChange={(e) => toggleType(type, e.currentTarget.checked)}
                />
                {type.replace(/_/g, ' ')}
              </label>
            ))}
          </fieldset>
        ))}
        {fieldError(error, 'alert_types') ? (
          <p class="field-error" role="alert">
            {fieldError(error, 'alert_types')}
          </p>
        ) : null}
      </fieldset>
      <details>
        <summary>Advanced</summary>
        <Field
          label="Retry schedule (seconds between attempts)"
          id="wh-retry"
          error={fieldError(error, 'retry_schedule')}
          hint="Empty: Herald's schedule (5, 30, 120, 600, … seconds)."
        >
          <input
            id="wh-retry"
            name="retry_schedule"
            value={form.retrySchedule}
            aria-describedby="wh-retry-hint"
            onInput={(e) => set({ retrySchedule: e.currentTarget.value })}
          />
        </Field>
        <Field label="Rate limit: requests" id="wh-rate" error={fieldError(error, 'rate_limit')} hint="Empty: the type's default.">
          <input
            id="wh-rate"
            name="rate_limit"
            type="number"
            min="1"
            value={form.rateLimit}
            aria-describedby="wh-rate-hint"
            onInput={(e) => set({ rateLimit: e.currentTarget.value })}
          />
        </Field>
        <Field label="Rate limit: per milliseconds" id="wh-rate-interval">
          <input
            id="wh-rate-interval"
            name="rate_interval"
            type="number"
            min="100"
            value={form.rateInterval}
            onInput={(e) => set({ rateInterval: e.currentTarget.value })}
          />
        </Field>
      </details>
      <FormError error={error} fields={['name', 'url', 'type', 'alert_types', 'retry_schedule', 'rate_limit']} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {existing ? 'Save' : 'Add webhook'}
        </button>
        <a href={scopeHash(scope)}>Cancel</a>
      </div>
    </form>
  );
}

function Health({ health, webhook, onReenable }: { health?: WebhookHealth; webhook: Webhook; onReenable: () => void }) {
  return (
    <div class="health">
      {webhook.disabled_reason ? (
        <p class="bad">
          Disabled by Herald: {webhook.disabled_reason}{' '}
          <button type="button" onClick={onReenable}>
            Re-enable {webhook.name}
          </button>
        </p>
      ) : null}
      {health?.last_attempt_at ? (
        <p>
          Last: <span class={health.last_status === 'delivered' ? 'good' : 'bad'}>{health.last_status}</span>
          {health.last_status_code ? ` (${health.last_status_code})` : ''} {ago(health.last_attempt_at)}
        </p>
      ) : (
        <p>No attempts yet</p>
      )}
      {health && health.failure_streak > 0 ? <p class="bad">{health.failure_streak} failures in a row</p> : null}
    </div>
  );
}

type TestResult = { ok: boolean; status_code: number; latency_ms: number; response_excerpt?: string } | { error: string };

function WebhookRow({
  scope,
  webhook,
  health,
  onChange,
}: {
  scope: Scope;
  webhook: Webhook;
  health?: WebhookHealth;
  onChange: () => void;
}) {
  const [test, setTest] = useState<TestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = (work: Promise<unknown>) => work.then(onChange, setError);
  return (
    <tr>
      <td>
        <TypeIcon type={webhook.type} />
      </td>
      <td>
        <strong>{webhook.name}</strong>
        <br />
        <code class="url">{webhook.url}</code>
      </td>
      <td>{typesLabel(webhook.alert_types)}</td>
      <td>
        <label class="check">
          <input
            type="checkbox"
            checked={webhook.enabled && !webhook.disabled_reason}
            onChange={(e) => act(api('PATCH', `${base(scope)}/${webhook.id}`, { enabled: e.currentTarget.checked }))}
          />
          <span class="visually-hidden">Enabled: {webhook.name}</span>
          <span aria-hidden="true">{webhook.enabled ? 'on' : 'off'}</span>
        </label>
      </td>
      <td>
        <Health health={health} webhook={webhook} onReenable={() => act(api('PATCH', `${base(scope)}/${webhook.id}`, { enabled: true }))} />
      </td>
      <td class="row-actions">
        <button
          type="button"
          aria-label={`Test ${webhook.name}`}
          onClick={() => {
            setTest(null);
            api<TestResult>('POST', `${base(scope)}/${webhook.id}/test`).then(setTest, (e: unknown) => setTest({ error: errorText(e) }));
          }}
        >
          Test
        </button>
        <a href={`${scopeHash(scope)}/${webhook.id}`} aria-label={`Edit ${webhook.name}`}>
          Edit
        </a>
        <button
          type="button"
          aria-label={`Delete ${webhook.name}`}
          onClick={() => confirm(`Delete ${webhook.name}?`) && act(api('DELETE', `${base(scope)}/${webhook.id}`))}
        >
          Delete
        </button>
        {test ? (
          <p class="test-result" role="status" data-testid="test-result">
            {'error' in test ? (
              test.error
            ) : (
              <>
                <span class={test.ok ? 'good' : 'bad'}>{test.status_code}</span> in {test.latency_ms} ms
                {test.response_excerpt ? <code class="excerpt">{test.response_excerpt}</code> : null}
              </>
            )}
          </p>
        ) : null}
        {error ? (
          <p class="error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function WebhooksPage({ parts }: { parts: string[] }) {
  const { principal } = useSession();
  const defaultScope: Scope = principal.role === 'admin' ? { kind: 'system' } : { kind: 'org', orgId: principal.org_id ?? 0 };
  const scope: Scope =
    parts[0] === 'org' && parts[1] ? { kind: 'org', orgId: Number(parts[1]) } : parts[0] === 'system' ? { kind: 'system' } : defaultScope;
  const rest = parts[0] === 'org' ? parts.slice(2) : parts[0] === 'system' ? parts.slice(1) : [];
  const editing = rest[0];
  const [secret, setSecret] = useState<string | null>(null);
  const orgs = useLoad(() => get<{ data: Organization[] }>('/v1/orgs'), []);
  const list = useLoad(() => get<{ data: Webhook[] }>(base(scope)), [base(scope)]);
  const health = useLoad(
    () => get<{ data: WebhookHealth[] }>(`/v1/webhook-health${scope.kind === 'org' ? `?org_id=${scope.orgId}` : ''}`),
    [base(scope)],
  );
  const reload = () => {
    list.reload();
    health.reload();
  };
  const existing = editing && editing !== 'new' ? list.data?.data.find((w) => w.id === editing) : undefined;
  const org = scope.kind === 'org' ? orgs.data?.data.find((o) => o.id === scope.orgId) : undefined;

  return (
    <section>
      <h1>Webhooks</h1>
      <div class="toolbar">
        <label for="wh-scope">Whose webhooks</label>
        <select
          id="wh-scope"
          value={scope.kind === 'system' ? 'system' : `org/${scope.orgId}`}
          onChange={(e) => navigate(`#/webhooks/${e.currentTarget.value}`)}
        >
          {principal.role === 'admin' ? <option value="system">System (every organization's alerts)</option> : null}
          {(orgs.data?.data ?? []).map((o) => (
            <option key={o.id} value={`org/${o.id}`}>
              Organization: {o.name}
            </option>
          ))}
        </select>
        <a class="button" href={`${scopeHash(scope)}/new`}>
          Add webhook
        </a>
      </div>
      {org && !org.enterprise ? (
        <p class="note">
          {org.name} has no Enterprise licence: organization webhooks need it (Organizations &amp; printers → Enterprise). System webhooks
          still receive its alerts.
        </p>
      ) : null}
      {secret ? <SecretOnce label="Signing secret" value={secret} /> : null}
      {editing === 'new' || existing ? (
        <WebhookForm
          key={editing}
          scope={scope}
          existing={existing}
          onSaved={(newSecret) => {
            setSecret(newSecret);
            reload();
            navigate(scopeHash(scope));
          }}
        />
      ) : null}
      {editing && editing !== 'new' && list.data && !existing ? (
        <p class="error" role="alert">
          Not found: no such webhook here.
        </p>
      ) : null}
      <LoadError error={list.error} />
      {list.data ? (
        list.data.data.length === 0 ? (
          <p>No webhooks yet.</p>
        ) : (
          <table class="webhooks">
            <caption class="visually-hidden">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Name and URL</th>
                <th scope="col">Filters</th>
                <th scope="col">Enabled</th>
                <th scope="col">Health</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((webhook) => (
                <WebhookRow
                  key={webhook.id}
                  scope={scope}
                  webhook={webhook}
                  health={health.data?.data.find((h) => h.webhook_id === webhook.id)}
                  onChange={reload}
                />
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}
