import { useState } from 'preact/hooks';
import { api, ApiError, get, type Organization } from '../api';
import { useSession } from '../app';
import { ago, errorText, Field, fieldError, FormError, LoadError, SecretOnce, useLoad } from '../ui';

interface Token {
  id: string;
  name: string;
  role: string;
  org_id: number | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

interface IngestSource {
  id: string;
  name: string;
  kind: string;
  org_id: number | null;
  url: string;
  accepted_count?: number;
  rejected_count?: number;
  last_used_at: string | null;
  revoked_at: string | null;
}

const TOKEN_ROLES = [
  { value: 'ingestor', label: 'ingestor (posts alerts)' },
  { value: 'org_admin', label: 'org_admin (manages one organization)' },
  { value: 'admin', label: 'admin' },
];

const INGEST_KINDS = [
  { value: 'odin', label: 'O.D.I.N.' },
  { value: 'apprise', label: 'Apprise / Moonraker' },
  { value: 'herald', label: 'Herald JSON' },
];

function OrgSelect({
  id,
  value,
  onChange,
  orgs,
  none,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  orgs: Organization[];
  none: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{none}</option>
      {orgs.map((o) => (
        <option key={o.id} value={String(o.id)}>
          {o.name}
        </option>
      ))}
    </select>
  );
}

interface CreateValues {
  name: string;
  choice: string;
  org: number | null;
}

/**
 * The create form of a credential shown once (an API token, an ingest URL): a name, one choice
 * (`choice.field` is its API field), an optional organization. The secret it gets back is shown above it.
 */
function CreateOnceForm(props: {
  idPrefix: string;
  title: string;
  submit: string;
  secretLabel: string;
  nameLabel: string;
  choice: { field: string; label: string; initial: string; options: { value: string; label: string }[] };
  orgs: Organization[];
  /** The organization select, with its "no organization" label; null: not shown. */
  org: { none: string } | null;
  /** After a create, start over (true) or keep the choice and organization for the next one. */
  resetChoices: boolean;
  create: (values: CreateValues) => Promise<string>;
  onCreated: () => void;
  error: unknown;
  setError: (error: unknown) => void;
}) {
  const { idPrefix: id, choice, error, setError } = props;
  const blank = { name: '', choice: choice.initial, org: '' };
  const [form, setForm] = useState(blank);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      {secret ? <SecretOnce label={props.secretLabel} value={secret} /> : null}
      <form
        class="panel inline"
        aria-label={props.title}
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          props.create({ name: form.name, choice: form.choice, org: form.org ? Number(form.org) : null }).then((created) => {
            setSecret(created);
            setForm(props.resetChoices ? blank : { ...form, name: '' });
            props.onCreated();
          }, setError);
        }}
      >
        <Field label={props.nameLabel} id={`${id}-name`} error={fieldError(error, 'name')}>
          <input id={`${id}-name`} required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label={choice.label} id={`${id}-${choice.field}`} error={fieldError(error, choice.field)}>
          <select id={`${id}-${choice.field}`} value={form.choice} onChange={(e) => setForm({ ...form, choice: e.currentTarget.value })}>
            {choice.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        {props.org ? (
          <Field label="Organization" id={`${id}-org`} error={fieldError(error, 'org_id')}>
            <OrgSelect
              id={`${id}-org`}
              value={form.org}
              onChange={(org) => setForm({ ...form, org })}
              orgs={props.orgs}
              none={props.org.none}
            />
          </Field>
        ) : null}
        <FormError error={error} fields={['name', choice.field, 'org_id']} />
        <button type="submit">{props.submit}</button>
      </form>
    </>
  );
}

function Tokens({ orgs }: { orgs: Organization[] }) {
  const tokens = useLoad(() => get<{ data: Token[] }>('/v1/tokens'), []);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <h2>API tokens</h2>
      <CreateOnceForm
        idPrefix="token"
        title="Create a token"
        submit="Create token"
        secretLabel="New token"
        nameLabel="Token name"
        choice={{ field: 'role', label: 'Role', initial: 'ingestor', options: TOKEN_ROLES }}
        orgs={orgs}
        org={{ none: 'None' }}
        resetChoices
        create={({ name, choice, org }) =>
          api<{ secret: string }>('POST', '/v1/tokens', { name, role: choice, org_id: org }).then((answer) => answer.secret)
        }
        onCreated={tokens.reload}
        error={error}
        setError={setError}
      />
      <LoadError error={tokens.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Org</th>
            <th scope="col">Prefix</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(tokens.data?.data ?? []).map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>{t.org_id ?? '—'}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{ago(t.last_used_at)}</td>
              <td>
                {t.revoked_at ? (
                  `revoked ${ago(t.revoked_at)}`
                ) : (
                  <button
                    type="button"
                    aria-label={`Revoke ${t.name}`}
                    onClick={() => api('DELETE', `/v1/tokens/${t.id}`).then(tokens.reload, setError)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function IngestSources({ orgs }: { orgs: Organization[] }) {
  const { principal } = useSession();
  const sources = useLoad(() => get<{ data: IngestSource[] }>('/v1/ingest-sources'), []);
  const [error, setError] = useState<unknown>(null);
  if (sources.error instanceof ApiError && sources.error.status === 404)
    return (
      <>
        <h2>Ingest URLs</h2>
        <p>
          This Herald has no ingest URLs yet: senders post to <code>{location.origin}/v1/alerts</code> with an ingestor token.
        </p>
      </>
    );
  return (
    <>
      <h2>Ingest URLs</h2>
      <p class="hint">A URL that carries its own key, for senders that cannot set a header (O.D.I.N., Apprise, Moonraker).</p>
      <CreateOnceForm
        idPrefix="source"
        title="Create an ingest URL"
        submit="Create ingest URL"
        secretLabel="Ingest URL"
        nameLabel="Source name"
        choice={{ field: 'kind', label: 'Sender', initial: 'odin', options: INGEST_KINDS }}
        orgs={orgs}
        org={principal.role === 'admin' ? { none: 'None (any printer)' } : null}
        resetChoices={false}
        create={({ name, choice, org }) =>
          api<{ url: string }>('POST', '/v1/ingest-sources', { name, kind: choice, ...(org === null ? {} : { org_id: org }) }).then(
            (answer) => answer.url,
          )
        }
        onCreated={sources.reload}
        error={error}
        setError={setError}
      />
      <LoadError error={sources.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Sender</th>
            <th scope="col">URL</th>
            <th scope="col">Accepted / rejected</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(sources.data?.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.kind}</td>
              <td>
                <code>{s.url}</code>
              </td>
              <td>
                {s.accepted_count ?? 0} / {s.rejected_count ?? 0}
              </td>
              <td>{ago(s.last_used_at)}</td>
              <td>
                {s.revoked_at ? (
                  'revoked'
                ) : (
                  <button
                    type="button"
                    aria-label={`Revoke ${s.name}`}
                    onClick={() =>
                      api('DELETE', `/v1/ingest-sources/${s.id}`).then(sources.reload, (e: unknown) => setError(new Error(errorText(e))))
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function TokensPage() {
  const { principal } = useSession();
  const orgs = useLoad(() => get<{ data: Organization[] }>('/v1/orgs'), []);
  return (
    <section>
      <h1>Tokens &amp; ingest</h1>
      {principal.role === 'admin' ? <Tokens orgs={orgs.data?.data ?? []} /> : <p>API tokens are managed by an admin.</p>}
      <IngestSources orgs={orgs.data?.data ?? []} />
    </section>
  );
}
