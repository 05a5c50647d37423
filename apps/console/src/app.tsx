import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleEvent } from '@herald/core';
import { followEvents, onSessionEnded, resumeSession, signIn, signOut, type Principal } from './api';
import { Field, fieldError, FormError, useRoute } from './ui';
import { OverviewPage } from './pages/overview';
import { WebhooksPage } from './pages/webhooks';
import { AlertsPage } from './pages/alerts';
import { AlertPage } from './pages/alert';
import { QuietHoursPage } from './pages/quiet-hours';
import { OrganizationsPage } from './pages/organizations';
import { TokensPage } from './pages/tokens';

type Listener = (event: ConsoleEvent) => void;

export interface Session {
  principal: Principal;
  /** Subscribes to live events; returns the unsubscribe function. */
  onEvent(listener: Listener): () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

/** Runs `listener` for every live event while the component is shown. */
export function useEvents(listener: Listener): void {
  const session = useSession();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => session.onEvent((event) => latest.current(event)), [session]);
}

const PAGES = [
  { path: '', label: 'Overview' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'alerts', label: 'Alerts & deliveries' },
  { path: 'quiet-hours', label: 'Quiet hours' },
  { path: 'organizations', label: 'Organizations & printers' },
  { path: 'tokens', label: 'Tokens & ingest' },
];

function SignIn({ onSignedIn, notice }: { onSignedIn: (principal: Principal) => void; notice: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>Herald console</h1>
      {notice ? (
        <p class="note" role="status">
          {notice}
        </p>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          signIn(token.trim())
            .then(onSignedIn, setError)
            .finally(() => setBusy(false));
        }}
      >
        <Field
          label="API token"
          id="token"
          error={fieldError(error, 'token')}
          hint="An admin or organization admin token (npm run token:create, or .herald/admin-token)."
        >
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            aria-describedby="token-hint"
          />
        </Field>
        <FormError error={error} fields={['token']} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function Page({ parts }: { parts: string[] }) {
  const [first = '', second] = parts;
  switch (first) {
    case '':
      return <OverviewPage />;
    case 'webhooks':
      return <WebhooksPage parts={parts.slice(1)} />;
    case 'alerts':
      return second ? <AlertPage id={second} /> : <AlertsPage />;
    case 'quiet-hours':
      return <QuietHoursPage parts={parts.slice(1)} />;
    case 'organizations':
      return <OrganizationsPage />;
    case 'tokens':
      return <TokensPage />;
    default:
      return (
        <p class="error" role="alert">
          Not found: no page {first}.
        </p>
      );
  }
}

function Shell({ principal, onSignOut }: { principal: Principal; onSignOut: () => void }) {
  const { parts } = useRoute();
  const [live, setLive] = useState(false);
  const listeners = useRef(new Set<Listener>());
  const [session] = useState<Session>(() => ({
    principal,
    onEvent(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  }));
  useEffect(
    () =>
      followEvents((event) => {
        for (const listener of listeners.current) listener(event);
      }, setLive),
    [],
  );
  const current = parts[0] ?? '';
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <div class="layout">
        <nav aria-label="Console">
          <p class="brand">Herald</p>
          <ul>
            {PAGES.map((page) => (
              <li key={page.path}>
                <a href={`#/${page.path}`} aria-current={current === page.path ? 'page' : undefined}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
          <p class="who">
            {principal.role === 'admin' ? 'Admin' : `Organization ${principal.org_id} admin`}
            <br />
            <span class={live ? 'live on' : 'live'} role="status">
              {live ? 'Live' : 'Connecting…'}
            </span>
          </p>
          {principal.role === 'admin' ? (
            <ul class="links">
              <li>
                <a href="/admin/queues">Queue dashboard</a>
              </li>
              <li>
                <a href="/docs">API docs</a>
              </li>
            </ul>
          ) : (
            <ul class="links">
              <li>
                <a href="/docs">API docs</a>
              </li>
            </ul>
          )}
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </nav>
        <main id="main" tabIndex={-1}>
          <Page parts={parts} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}

export function App() {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    onSessionEnded(() => {
      setNotice('Your session has ended (signed out elsewhere, token revoked or expired). Sign in again.');
      setPrincipal(null);
    });
    void resumeSession().then(setPrincipal);
  }, []);
  if (principal === undefined) return <p class="loading">Loading…</p>;
  if (principal === null) return <SignIn onSignedIn={(signedIn) => (setNotice(null), setPrincipal(signedIn))} notice={notice} />;
  return <Shell principal={principal} onSignOut={() => void signOut().then(() => setPrincipal(null))} />;
}
