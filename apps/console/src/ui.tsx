import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

/** The hash route: `#/alerts/<id>` → ['alerts', '<id>'], plus its query. */
export function useRoute(): { parts: string[]; query: URLSearchParams } {
  const read = () => {
    const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(hash: string): void {
  location.hash = hash;
}

/** Loads data, re-running when `deps` change; `reload` fetches again (e.g. on a live event). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown }>({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: undefined }),
      (error: unknown) => live && setState((previous) => ({ data: previous.data, error })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.status === 404 ? 'Not found: it does not exist or you may not see it.' : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A page-level error (404 says "not found"), never a blank page. */
export function LoadError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

/** A labelled control with the API's error for it right below. */
export function Field(props: { label: string; id: string; error?: string; hint?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** The form-level message: what the API said that names no field of the form. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.fields.length > 0 && error.fields.every((f) => fields.some((name) => f.field.startsWith(name))))
    return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

export const fieldError = (error: unknown, name: string) => (error instanceof ApiError ? error.forField(name) : undefined);

const TYPE_GLYPHS: Record<string, string> = {
  discord: 'D',
  slack: 'S',
  generic: '{}',
  telegram: 'T',
  ntfy: 'N',
  teams: 'Tm',
  pushover: 'P',
  whatsapp: 'W',
};

/** A badge per webhook type; types the console does not know get their first letters. */
export function TypeIcon({ type }: { type: string }) {
  const glyph = TYPE_GLYPHS[type] ?? type.slice(0, 2).toUpperCase();
  return (
    <span class={`type-icon type-${type.replace(/[^a-z0-9]/gi, '')}`} role="img" aria-label={`${type} webhook`} title={type}>
      {glyph}
    </span>
  );
}

/** A secret shown once, with a copy button. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <p>
        <strong>{label}</strong> — shown once; copy it now.
      </p>
      <code data-testid="secret">{value}</code>
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status.replace(/_/g, ' ')}</span>;
}
