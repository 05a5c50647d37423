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

function Tokens({ orgs }: { orgs: Organization[] }) {
  const tokens = useLoad(() => get<{ data: Token[] }>('/v1/tokens'), []);
  const [form, setForm] = useState({ name: '', role: 'ingestor', org: '' });
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <h2>API tokens</h2>
      {secret ? <SecretOnce label="New token" value={secret} /> : null}
      <form
        class="panel inline"
        aria-label="Create a token"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api<{ secret: string }>('POST', '/v1/tokens', {
            name: form.name,
            role: form.role,
            org_id: form.org ? Number(form.org) : null,
          }).then((answer) => {
            setSecret(answer.secret);
            setForm({ name: '', role: 'ingestor', org: '' });
            tokens.reload();
          }, setError);
        }}
      >
        <Field label="Token name" id="token-name" error={fieldError(error, 'name')}>
          <input id="token-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label="Role" id="token-role" error={fieldError(error, 'role')}>
          <select id="token-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            <option value="ingestor">ingestor (posts alerts)</option>
            <option value="org_admin">org_admin (manages one organization)</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <Field label="Organization" id="token-org" error={fieldError(error, 'org_id')}>
          <OrgSelect id="token-org" value={form.org} onChange={(org) => setForm({ ...form, org })} orgs={orgs} none="None" />
        </Field>
        <FormError error={error} fields={['name', 'role', 'org_id']} />
        <button type="submit">Create token</button>
      </form>
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
  const [form, setForm] = useState({ name: '', kind: 'odin', org: '' });
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
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
      {created ? <SecretOnce label="Ingest URL" value={created} /> : null}
      <form
        class="panel inline"
        aria-label="Create an ingest URL"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api<{ url: string }>('POST', '/v1/ingest-sources', {
            name: form.name,
            kind: form.kind,
            ...(form.org ? { org_id: Number(form.org) } : {}),
          }).then((answer) => {
            setCreated(answer.url);
            setForm({ ...form, name: '' });
            sources.reload();
          }, setError);
        }}
      >
        <Field label="Source name" id="source-name" error={fieldError(error, 'name')}>
          <input id="source-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label="Sender" id="source-kind" error={fieldError(error, 'kind')}>
          <select id="source-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}>
            {INGEST_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        {principal.role === 'admin' ? (
          <Field label="Organization" id="source-org" error={fieldError(error, 'org_id')}>
            <OrgSelect
              id="source-org"
              value={form.org}
              onChange={(org) => setForm({ ...form, org })}
              orgs={orgs}
              none="None (any printer)"
            />
          </Field>
        ) : null}
        <FormError error={error} fields={['name', 'kind', 'org_id']} />
        <button type="submit">Create ingest URL</button>
      </form>
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
