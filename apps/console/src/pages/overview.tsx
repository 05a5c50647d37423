import { useRef } from 'preact/hooks';
import { get } from '../api';
import { useEvents, useSession } from '../app';
import { ago, LoadError, time, TypeIcon, useLoad } from '../ui';

interface Overview {
  minutes: { minute: string; attempts: number; delivered: number; failed: number }[];
  failures: {
    count: number;
    latest: {
      delivery_id: string;
      alert_id: string | null;
      alert_title: string | null;
      webhook_name: string;
      status: string;
      last_status_code: number | null;
      last_error: string | null;
      updated_at: string;
    }[];
  };
  waiting: { pending: number; retrying: number; oldest_pending_at: string | null };
  held: Record<string, number>;
  disabled_webhooks: { id: string; name: string; type: string; org_id: number | null; enabled: boolean; disabled_reason: string | null }[];
  queue: { waiting: number; active: number; delayed: number; failed: number; oldest_waiting_ms: number | null } | null;
}

function perMinute(overview: Overview) {
  const lastFifteen = overview.minutes.slice(-15);
  const total = overview.minutes.reduce((sum, m) => sum + m.attempts, 0);
  const delivered = overview.minutes.reduce((sum, m) => sum + m.delivered, 0);
  const failed = overview.minutes.reduce((sum, m) => sum + m.failed, 0);
  const thisMinute = overview.minutes.at(-1);
  const current = thisMinute && Date.now() - new Date(thisMinute.minute).getTime() < 120_000 ? thisMinute.attempts : 0;
  return { lastFifteen, total, current, rate: delivered + failed === 0 ? null : delivered / (delivered + failed) };
}

function Bars({ minutes }: { minutes: Overview['minutes'] }) {
  const max = Math.max(1, ...minutes.map((m) => m.attempts));
  return (
    <svg class="bars" viewBox="0 0 150 40" role="img" aria-label={`Attempts per minute, last ${minutes.length} active minutes`}>
      {minutes.map((m, i) => (
        <rect key={m.minute} x={i * 10} y={40 - (m.attempts / max) * 40} width="8" height={(m.attempts / max) * 40}>
          <title>{`${time(m.minute)}: ${m.attempts} attempts`}</title>
        </rect>
      ))}
    </svg>
  );
}

export function OverviewPage() {
  const { principal } = useSession();
  const { data, error, reload } = useLoad(() => get<Overview>('/v1/overview'), []);
  // Live: refresh at most once a second while events arrive.
  const pending = useRef<number | null>(null);
  useEvents(() => {
    pending.current ??= window.setTimeout(() => {
      pending.current = null;
      reload();
    }, 1000);
  });
  if (!data)
    return (
      <section>
        <h1>Overview</h1>
        <LoadError error={error} />
        {error ? null : <p>Loading…</p>}
      </section>
    );
  const figures = perMinute(data);
  return (
    <section>
      <h1>Overview</h1>
      <LoadError error={error} />
      <div class="cards">
        <article class="card">
          <h2>Deliveries per minute</h2>
          <p class="figure" data-testid="per-minute">
            {figures.current}
          </p>
          <p>{figures.total} attempts in the last hour</p>
          <Bars minutes={figures.lastFifteen} />
        </article>
        <article class="card">
          <h2>Success rate (1 h)</h2>
          <p class="figure">{figures.rate === null ? '—' : `${(figures.rate * 100).toFixed(1)} %`}</p>
          <p>delivered of finished attempts</p>
        </article>
        <article class="card">
          <h2>Waiting</h2>
          <p class="figure">{data.waiting.pending + data.waiting.retrying}</p>
          <p>
            {data.waiting.pending} pending, {data.waiting.retrying} retrying; oldest pending {ago(data.waiting.oldest_pending_at)}
          </p>
          {data.queue ? (
            <p>
              Queue: {data.queue.waiting} waiting, {data.queue.active} active, {data.queue.delayed} delayed
              {data.queue.oldest_waiting_ms !== null ? `; oldest waiting ${Math.round(data.queue.oldest_waiting_ms / 1000)} s` : ''}
            </p>
          ) : null}
        </article>
        <article class="card">
          <h2>Held by quiet hours</h2>
          <p class="figure">{Object.values(data.held).reduce((a, b) => a + b, 0)}</p>
          <p>
            {Object.entries(data.held)
              .map(([scope, n]) => `${scope}: ${n}`)
              .join(', ') || 'nothing held'}
          </p>
        </article>
      </div>

      <h2>Failures needing attention ({data.failures.count} in 7 days)</h2>
      {data.failures.latest.length === 0 ? (
        <p>No failed deliveries.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Webhook</th>
              <th scope="col">Status</th>
              <th scope="col">Last answer</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {data.failures.latest.map((f) => (
              <tr key={f.delivery_id}>
                <td>{f.alert_id ? <a href={`#/alerts/${f.alert_id}`}>{f.alert_title ?? f.alert_id}</a> : 'digest / notice'}</td>
                <td>{f.webhook_name}</td>
                <td>{f.status}</td>
                <td>{f.last_status_code ?? f.last_error ?? '—'}</td>
                <td>{ago(f.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Disabled webhooks</h2>
      {data.disabled_webhooks.length === 0 ? (
        <p>Every webhook is enabled.</p>
      ) : (
        <ul class="plain">
          {data.disabled_webhooks.map((w) => (
            <li key={w.id}>
              <TypeIcon type={w.type} /> <a href={`#/webhooks/${w.org_id === null ? 'system' : `org/${w.org_id}`}`}>{w.name}</a>:{' '}
              {w.disabled_reason ? `disabled by Herald (${w.disabled_reason})` : 'switched off'}
            </li>
          ))}
        </ul>
      )}
      {principal.role === 'admin' ? (
        <p>
          Developers' view of the queues: <a href="/admin/queues">queue dashboard</a>.
        </p>
      ) : null}
    </section>
  );
}
