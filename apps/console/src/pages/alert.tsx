import { useState } from 'preact/hooks';
import { api, ApiError, get, type AlertRow, type Delivery } from '../api';
import { useEvents, useSession } from '../app';
import { errorText, LoadError, StatusBadge, time, TypeIcon, useLoad } from '../ui';

type AlertDetail = AlertRow & { message: string; deliveries: Delivery[]; deliveries_next_cursor: string | null };

const DELIVERIES_PAGE = 100;

/** The alert with its first `pages` pages of deliveries (a wide alert's deliveries come in pages). */
async function loadAlert(id: string, pages: number): Promise<AlertDetail> {
  const path = `/v1/alerts/${encodeURIComponent(id)}?deliveries_limit=${DELIVERIES_PAGE}`;
  let alert = await get<AlertDetail>(path);
  for (let page = 1; page < pages && alert.deliveries_next_cursor; page++) {
    const next = await get<AlertDetail>(`${path}&deliveries_cursor=${encodeURIComponent(alert.deliveries_next_cursor)}`);
    alert = { ...next, deliveries: [...alert.deliveries, ...next.deliveries] };
  }
  return alert;
}

/** What a delivery's webhook is called, also after the webhook was deleted. */
const webhookLabel = (delivery: Delivery) =>
  delivery.webhook?.name ??
  (delivery.webhook_id === null ? `${delivery.webhook_name ?? 'webhook'} (deleted)` : (delivery.webhook_name ?? delivery.webhook_id));

function ReplaySince({ delivery, webhookId, orgId }: { delivery: Delivery; webhookId: string; orgId: number | null }) {
  const { principal } = useSession();
  const [since, setSince] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const id = `replay-${delivery.id}`;
  const replay = async () => {
    const query = `since=${encodeURIComponent(new Date(since).toISOString())}`;
    const paths = [
      ...(principal.role === 'admin' ? [`/v1/webhooks/${webhookId}/replay?${query}`] : []),
      ...(orgId !== null ? [`/v1/orgs/${orgId}/webhooks/${webhookId}/replay?${query}`] : []),
    ];
    for (const path of paths) {
      try {
        const answer = await api<{ replayed: number; skipped: number }>('POST', path);
        return `${answer.replayed} deliveries replayed, ${answer.skipped} skipped`;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
      }
    }
    throw new Error('Not found: you may not replay this webhook.');
  };
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        setResult(null);
        replay().then(setResult, (error: unknown) => setResult(errorText(error)));
      }}
    >
      <label for={id}>Replay failed deliveries of {delivery.webhook?.name ?? 'this webhook'} since</label>
      <input id={id} type="datetime-local" required value={since} onInput={(e) => setSince(e.currentTarget.value)} />
      <button type="submit">Replay since</button>
      {result ? <span role="status">{result}</span> : null}
    </form>
  );
}

function DeliveryCard({ delivery, orgId, onChange }: { delivery: Delivery; orgId: number | null; onChange: () => void }) {
  const [error, setError] = useState<unknown>(null);
  // A deleted webhook's deliveries are history: nothing to send them to.
  const webhookId = delivery.webhook_id;
  const retryable = webhookId !== null && ['failed', 'dead', 'cancelled'].includes(delivery.status);
  return (
    <article class="delivery" data-delivery-id={delivery.id} aria-label={`Delivery to ${webhookLabel(delivery)}`}>
      <h3>
        {delivery.webhook ? <TypeIcon type={delivery.webhook.type} /> : null} {webhookLabel(delivery)}{' '}
        <StatusBadge status={delivery.status} />
      </h3>
      <p>
        {delivery.webhook ? <code class="url">{delivery.webhook.url}</code> : null} · {delivery.attempt_count} attempts
        {delivery.next_attempt_at ? (
          <>
            {' '}
            · <span data-testid="next-retry">next retry {time(delivery.next_attempt_at)}</span>
          </>
        ) : null}
        {delivery.delivered_at ? ` · delivered ${time(delivery.delivered_at)} (${delivery.latency_ms} ms after receipt)` : ''}
      </p>
      {delivery.attempts && delivery.attempts.length > 0 ? (
        <table>
          <caption class="visually-hidden">Attempts</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Started</th>
              <th scope="col">Status code</th>
              <th scope="col">Latency</th>
              <th scope="col">Outcome</th>
              <th scope="col">Error class</th>
              <th scope="col">Error / response</th>
            </tr>
          </thead>
          <tbody>
            {delivery.attempts.map((a) => (
              <tr key={a.attempt}>
                <td>{a.attempt}</td>
                <td>{time(a.started_at)}</td>
                <td>{a.status_code ?? '—'}</td>
                <td>{a.duration_ms} ms</td>
                <td>{a.outcome}</td>
                <td>{a.error_class ?? '—'}</td>
                <td>{a.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div class="actions">
        {retryable || (webhookId !== null && delivery.status === 'retrying') ? (
          <button
            type="button"
            onClick={() => {
              setError(null);
              api('POST', `/v1/deliveries/${delivery.id}/retry`).then(onChange, setError);
            }}
          >
            Retry now
          </button>
        ) : null}
      </div>
      {error ? (
        <p class="error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {retryable && webhookId !== null ? <ReplaySince delivery={delivery} webhookId={webhookId} orgId={orgId} /> : null}
    </article>
  );
}

export function AlertPage({ id }: { id: string }) {
  const [pages, setPages] = useState(1);
  const { data, error, reload } = useLoad(() => loadAlert(id, pages), [id, pages]);
  useEvents((event) => {
    if (event.kind === 'delivery' && event.alert_id === id) reload();
  });
  if (!data)
    return (
      <section>
        <h1>Alert</h1>
        <LoadError error={error} />
        {error ? null : <p>Loading…</p>}
        <p>
          <a href="#/alerts">Back to alerts</a>
        </p>
      </section>
    );
  return (
    <section>
      <p>
        <a href="#/alerts">← Alerts</a>
      </p>
      <h1>{data.title}</h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={data.status} /> {data.status_reason ?? ''}
        </dd>
        <dt>Type</dt>
        <dd>
          {data.type} ({data.severity})
        </dd>
        <dt>Printer</dt>
        <dd>
          {data.printer_name ?? ''} #{data.printer_id}
        </dd>
        <dt>Organization</dt>
        <dd>{data.org_id ?? '—'}</dd>
        <dt>Occurred</dt>
        <dd>{time(new Date(data.timestamp * 1000).toISOString())}</dd>
        <dt>Received</dt>
        <dd>{time(data.received_at)}</dd>
        <dt>Message</dt>
        <dd>{data.message}</dd>
      </dl>
      <h2>
        Deliveries ({data.deliveries.length}
        {data.deliveries_next_cursor ? '+' : ''})
      </h2>
      {data.deliveries.length === 0 ? <p>No deliveries: {data.status_reason ?? data.status}.</p> : null}
      {data.deliveries.map((delivery) => (
        <DeliveryCard key={delivery.id} delivery={delivery} orgId={data.org_id} onChange={reload} />
      ))}
      {data.deliveries_next_cursor ? (
        <p>
          <button type="button" onClick={() => setPages((n) => n + 1)}>
            More deliveries
          </button>
        </p>
      ) : null}
    </section>
  );
}
