import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_SEVERITY_BY_TYPE, SEVERITIES } from '@herald/core/src/alerts/alert-types';
import { get, type AlertRow, type Organization } from '../api';
import { useEvents, useSession } from '../app';
import { LoadError, StatusBadge, time, useLoad } from '../ui';

const STATUSES = ['queued', 'dispatched', 'delivered', 'partially_failed', 'failed', 'suppressed', 'no_targets'];
const FILTERS = ['type', 'severity', 'status', 'printer_id', 'org_id', 'since', 'until'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function query(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) {
    const value = filters[key];
    if (!value) continue;
    params.set(key, key === 'since' || key === 'until' ? new Date(value).toISOString() : value);
  }
  if (cursor) params.set('cursor', cursor);
  params.set('limit', '50');
  return params.toString();
}

function matches(alert: AlertRow, filters: Filters): boolean {
  if (filters.type && alert.type !== filters.type) return false;
  if (filters.severity && alert.severity !== filters.severity) return false;
  if (filters.status && alert.status !== filters.status) return false;
  if (filters.printer_id && String(alert.printer_id) !== filters.printer_id) return false;
  if (filters.org_id && String(alert.org_id) !== filters.org_id) return false;
  if (filters.until) return false; // a bounded window does not grow
  return true;
}

export function AlertsPage() {
  const { principal } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  const [rows, setRows] = useState<AlertRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const orgs = useLoad(() => get<{ data: Organization[] }>('/v1/orgs'), []);
  const refreshing = useRef(new Map<string, number>());

  useEffect(() => {
    setLoading(true);
    setError(null);
    get<{ data: AlertRow[]; next_cursor: string | null }>(`/v1/alerts?${query(filters)}`).then(
      (page) => {
        setRows(page.data);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [filters]);

  // Alert events come from the API process, delivery events from workers: a delivery can be heard first.
  const deliveredBeforeArrival = useRef(new Set<string>());

  /** A delivery changed: read the alert's status again, once per half second at most. */
  const refreshStatus = (id: string) => {
    if (refreshing.current.has(id)) return;
    refreshing.current.set(
      id,
      window.setTimeout(() => {
        refreshing.current.delete(id);
        get<AlertRow>(`/v1/alerts/${id}`).then(
          (alert) =>
            setRows((current) =>
              current.map((r) => (r.id === id ? { ...r, status: alert.status, status_reason: alert.status_reason } : r)),
            ),
          () => undefined,
        );
      }, 500),
    );
  };

  useEvents((event) => {
    if (event.kind === 'alert') {
      if (!matches(event.alert, filters)) return;
      setRows((current) => (current.some((r) => r.id === event.alert.id) ? current : [event.alert, ...current]));
      if (deliveredBeforeArrival.current.delete(event.alert.id)) refreshStatus(event.alert.id);
      return;
    }
    const id = event.alert_id;
    if (!id) return;
    if (rows.some((r) => r.id === id)) return refreshStatus(id);
    const early = deliveredBeforeArrival.current;
    if (early.size >= 500) early.clear();
    early.add(id);
  });

  const more = () =>
    cursor &&
    get<{ data: AlertRow[]; next_cursor: string | null }>(`/v1/alerts?${query(filters, cursor)}`).then((page) => {
      setRows((current) => [...current, ...page.data]);
      setCursor(page.next_cursor);
    }, setError);

  const select = (key: keyof Filters, label: string, options: { value: string; label: string }[]) => (
    <div class="field">
      <label for={`f-${key}`}>{label}</label>
      <select id={`f-${key}`} value={draft[key] ?? ''} onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section>
      <h1>Alerts &amp; deliveries</h1>
      <form
        class="filters"
        aria-label="Filter alerts"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...draft });
        }}
      >
        {select(
          'type',
          'Type',
          Object.keys(DEFAULT_SEVERITY_BY_TYPE).map((t) => ({ value: t, label: t.replace(/_/g, ' ') })),
        )}
        {select(
          'severity',
          'Severity',
          SEVERITIES.map((s) => ({ value: s, label: s })),
        )}
        {select(
          'status',
          'Status',
          STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, ' ') })),
        )}
        <div class="field">
          <label for="f-printer">Printer id</label>
          <input
            id="f-printer"
            inputMode="numeric"
            size={6}
            value={draft.printer_id ?? ''}
            onInput={(e) => setDraft({ ...draft, printer_id: e.currentTarget.value })}
          />
        </div>
        {principal.role === 'admin'
          ? select(
              'org_id',
              'Organization',
              (orgs.data?.data ?? []).map((o) => ({ value: String(o.id), label: o.name })),
            )
          : null}
        <div class="field">
          <label for="f-since">From</label>
          <input
            id="f-since"
            type="datetime-local"
            value={draft.since ?? ''}
            onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="f-until">Until</label>
          <input
            id="f-until"
            type="datetime-local"
            value={draft.until ?? ''}
            onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
          />
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            onClick={() => {
              setDraft({});
              setFilters({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <LoadError error={error} />
      <table class="feed" aria-busy={loading}>
        <caption class="visually-hidden">Alerts, newest first; new alerts appear at the top</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Severity</th>
            <th scope="col">Type</th>
            <th scope="col">Title</th>
            <th scope="col">Printer</th>
            <th scope="col">Org</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          {rows.map((alert) => (
            <tr key={alert.id} data-alert-id={alert.id}>
              <td>{time(alert.received_at)}</td>
              <td>
                <span class={`sev sev-${alert.severity}`}>{alert.severity}</span>
              </td>
              <td>{alert.type}</td>
              <td>
                <a href={`#/alerts/${alert.id}`}>{alert.title}</a>
              </td>
              <td>{alert.printer_name ?? alert.printer_id}</td>
              <td>{alert.org_id ?? '—'}</td>
              <td>
                <StatusBadge status={alert.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 ? <p>No alerts match.</p> : null}
      {cursor ? (
        <button type="button" onClick={() => void more()}>
          Load older alerts
        </button>
      ) : null}
    </section>
  );
}
