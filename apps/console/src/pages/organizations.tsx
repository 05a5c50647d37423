import { useState } from 'preact/hooks';
import { api, ApiError, get, type Organization, type Printer } from '../api';
import { useSession } from '../app';
import { errorText, Field, fieldError, FormError, LoadError, useLoad } from '../ui';

/** Each refused line of the list, as the API names it (`allowed_private_targets.<index>`). */
function refusedLines(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const lines = error.fields
    .filter((f) => f.field.startsWith('allowed_private_targets'))
    .map((f) => {
      const index = /\.(\d+)$/.exec(f.field)?.[1];
      return index === undefined ? f.message : `line ${Number(index) + 1}: ${f.message}`;
    });
  return lines.length > 0 ? lines.join('; ') : undefined;
}

/** The private network targets an organization's webhooks may reach: an admin edits them, an org admin sees them. */
function PrivateTargets({ org, onChange }: { org: Organization; onChange: () => void }) {
  const { principal } = useSession();
  const current = org.allowed_private_targets ?? [];
  const [draft, setDraft] = useState(current.join('\n'));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const id = `org-${org.id}-private`;
  if (principal.role !== 'admin') {
    return (
      <p>
        Private network targets its webhooks may reach: {current.length > 0 ? current.join(', ') : 'none (public addresses only)'}. Set by
        the operator.
      </p>
    );
  }
  return (
    <form
      aria-label={`Private network targets of ${org.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setSaved(false);
        const targets = draft
          .split(/[\n,]/)
          .map((line) => line.trim())
          .filter(Boolean);
        api('PATCH', `/v1/orgs/${org.id}`, { allowed_private_targets: targets }).then(() => {
          setSaved(true);
          onChange();
        }, setError);
      }}
    >
      <Field
        label="Private network targets its webhooks may reach"
        id={id}
        error={refusedLines(error)}
        hint="One IP address or CIDR range per line (192.168.20.0/24, 10.0.0.5); host names are refused. Empty: public addresses only."
      >
        <textarea id={id} rows={3} value={draft} aria-describedby={`${id}-hint`} onInput={(e) => setDraft(e.currentTarget.value)} />
      </Field>
      <FormError error={error} fields={['allowed_private_targets']} />
      <button type="submit">Save private targets</button>
      {saved ? <span role="status">Saved</span> : null}
    </form>
  );
}

function OrgSettings({ org, onChange }: { org: Organization; onChange: () => void }) {
  const { principal } = useSession();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const id = `org-${org.id}`;
  return (
    <article class="panel" aria-label={org.name}>
      <h2>
        {org.name} <small>#{org.id}</small>
      </h2>
      {principal.role === 'admin' ? (
        <label class="check">
          <input
            type="checkbox"
            checked={org.enterprise}
            onChange={(e) => api('PATCH', `/v1/orgs/${org.id}`, { enterprise: e.currentTarget.checked }).then(onChange, setError)}
          />
          Enterprise licence
        </label>
      ) : (
        <p>Enterprise licence: {org.enterprise ? 'yes' : 'no'}</p>
      )}
      <p class="hint">
        Enterprise lets an organization have webhooks of its own (its Webhook URL below and any on the Webhooks page). Without it, the
        organization's alerts still reach the system webhooks.
      </p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api<{ webhook_url: string | null }>('PUT', `/v1/orgs/${org.id}/settings`, { webhook_url: url.trim() || null }).then((answer) => {
            setSaved(answer.webhook_url);
            setUrl('');
          }, setError);
        }}
      >
        <Field
          label="Webhook URL (Settings → Access → organization → Webhook URL)"
          id={`${id}-url`}
          error={fieldError(error, 'webhook_url')}
          hint="Empty and save: remove it. The type is taken from the URL."
        >
          <input
            id={`${id}-url`}
            type="url"
            autoComplete="off"
            value={url}
            aria-describedby={`${id}-url-hint`}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <FormError error={error} fields={['webhook_url']} />
        <button type="submit">Save Webhook URL</button>
        {saved !== null ? <span role="status">Saved: {saved ?? 'removed'}</span> : null}
      </form>
      <PrivateTargets org={org} onChange={onChange} />
    </article>
  );
}

function PrinterRow({ printer, orgs, onChange }: { printer: Printer; orgs: Organization[]; onChange: () => void }) {
  const { principal } = useSession();
  const [error, setError] = useState<unknown>(null);
  const id = `printer-${printer.id}-org`;
  return (
    <tr>
      <td>{printer.id}</td>
      <td>{printer.name}</td>
      <td>
        <label class="visually-hidden" for={id}>
          Organization of {printer.name}
        </label>
        <select
          id={id}
          disabled={principal.role !== 'admin'}
          value={printer.org_id === null ? '' : String(printer.org_id)}
          onChange={(e) =>
            api('PUT', `/v1/printers/${printer.id}`, {
              name: printer.name,
              org_id: e.currentTarget.value ? Number(e.currentTarget.value) : null,
            }).then(onChange, setError)
          }
        >
          <option value="">No organization</option>
          {orgs.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
        {error ? (
          <p class="field-error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function OrganizationsPage() {
  const { principal } = useSession();
  const orgs = useLoad(() => get<{ data: Organization[] }>('/v1/orgs'), []);
  const printers = useLoad(() => get<{ data: Printer[] }>('/v1/printers'), []);
  const [name, setName] = useState('');
  const [enterprise, setEnterprise] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [printer, setPrinter] = useState({ id: '', name: '', org: '' });
  const [printerError, setPrinterError] = useState<unknown>(null);
  const reload = () => {
    orgs.reload();
    printers.reload();
  };
  return (
    <section>
      <h1>Organizations &amp; printers</h1>
      <LoadError error={orgs.error} />
      {principal.role === 'admin' ? (
        <form
          class="panel inline"
          aria-label="Add an organization"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api('POST', '/v1/orgs', { name, enterprise }).then(() => {
              setName('');
              reload();
            }, setError);
          }}
        >
          <Field label="New organization name" id="org-name" error={fieldError(error, 'name')}>
            <input id="org-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <label class="check">
            <input type="checkbox" checked={enterprise} onChange={(e) => setEnterprise(e.currentTarget.checked)} />
            Enterprise licence
          </label>
          <FormError error={error} fields={['name']} />
          <button type="submit">Add organization</button>
        </form>
      ) : null}
      {(orgs.data?.data ?? []).map((org) => (
        <OrgSettings key={org.id} org={org} onChange={reload} />
      ))}

      <h2>Printers</h2>
      <p class="hint">Whoever owns a printer gets its alerts: only an admin registers printers or moves them between organizations.</p>
      <LoadError error={printers.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Organization</th>
          </tr>
        </thead>
        <tbody>
          {(printers.data?.data ?? []).map((p) => (
            <PrinterRow key={p.id} printer={p} orgs={orgs.data?.data ?? []} onChange={reload} />
          ))}
        </tbody>
      </table>
      {principal.role === 'admin' ? (
        <form
          class="panel inline"
          aria-label="Register a printer"
          onSubmit={(e) => {
            e.preventDefault();
            setPrinterError(null);
            api('PUT', `/v1/printers/${encodeURIComponent(printer.id)}`, {
              name: printer.name,
              org_id: printer.org ? Number(printer.org) : null,
            }).then(() => {
              setPrinter({ id: '', name: '', org: '' });
              reload();
            }, setPrinterError);
          }}
        >
          <Field label="Printer id (as the farm manager numbers it)" id="printer-id" error={fieldError(printerError, 'id')}>
            <input
              id="printer-id"
              inputMode="numeric"
              required
              value={printer.id}
              onInput={(e) => setPrinter({ ...printer, id: e.currentTarget.value })}
            />
          </Field>
          <Field label="Printer name" id="printer-name" error={fieldError(printerError, 'name')}>
            <input
              id="printer-name"
              required
              value={printer.name}
              onInput={(e) => setPrinter({ ...printer, name: e.currentTarget.value })}
            />
          </Field>
          <Field label="Organization" id="printer-org" error={fieldError(printerError, 'org_id')}>
            <select id="printer-org" value={printer.org} onChange={(e) => setPrinter({ ...printer, org: e.currentTarget.value })}>
              <option value="">No organization</option>
              {(orgs.data?.data ?? []).map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
          </Field>
          <FormError error={printerError} fields={['id', 'name', 'org_id']} />
          <button type="submit">Register printer</button>
        </form>
      ) : null}
    </section>
  );
}
