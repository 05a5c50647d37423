import { useEffect, useState } from 'preact/hooks';
import { SEVERITIES } from '@herald/core/src/alerts/alert-types';
import { api, get, type Organization } from '../api';
import { useSession } from '../app';
import { Field, fieldError, FormError, LoadError, navigate, useLoad } from '../ui';

interface QuietHours {
  enabled: boolean;
  start: string;
  end: string;
  timezone: string;
  digest: boolean;
  bypass_severities: string[];
  digest_when_empty: boolean;
}

const TIME_ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

function localTime(timezone: string, at = new Date()): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  } catch {
    return null;
  }
}

/** What holds now, e.g. "Quiet until 07:00 Europe/Berlin, 3 alerts held". */
export function quietLine(setting: QuietHours, held: number, at = new Date()): string {
  if (!setting.enabled) return `Quiet hours are off${held > 0 ? `; ${held} alerts still held go out in the next digest` : ''}.`;
  const now = localTime(setting.timezone, at);
  if (now === null) return `Unknown time zone ${setting.timezone}.`;
  const inside = setting.start <= setting.end ? now >= setting.start && now < setting.end : now >= setting.start || now < setting.end;
  const heldText = `${held} alert${held === 1 ? '' : 's'} held`;
  return inside
    ? `Quiet until ${setting.end} ${setting.timezone}, ${heldText}.`
    : `Not quiet now (${now} ${setting.timezone}); quiet from ${setting.start} to ${setting.end}${held > 0 ? `, ${heldText}` : ''}.`;
}

export function QuietHoursPage({ parts }: { parts: string[] }) {
  const { principal } = useSession();
  const scope = parts[0] === 'org' && parts[1] ? `org:${parts[1]}` : principal.role === 'admin' ? 'system' : `org:${principal.org_id}`;
  const path = scope === 'system' ? '/v1/settings/quiet-hours' : `/v1/orgs/${scope.slice(4)}/quiet-hours`;
  const orgs = useLoad(() => get<{ data: Organization[] }>('/v1/orgs'), []);
  const loaded = useLoad(() => get<QuietHours>(path), [path]);
  const overview = useLoad(() => get<{ held: Record<string, number> }>('/v1/overview'), [path]);
  const [form, setForm] = useState<QuietHours | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<QuietHours | null>(null);
  useEffect(() => {
    setForm(loaded.data ?? null);
    setSaved(loaded.data ?? null);
    setError(null);
  }, [loaded.data]);
  const set = (patch: Partial<QuietHours>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const held = overview.data?.held[scope] ?? 0;

  return (
    <section>
      <h1>Quiet hours</h1>
      <div class="toolbar">
        <label for="qh-scope">Whose quiet hours</label>
        <select id="qh-scope" value={scope} onChange={(e) => navigate(`#/quiet-hours/${e.currentTarget.value.replace(':', '/')}`)}>
          {principal.role === 'admin' ? <option value="system">System</option> : null}
          {(orgs.data?.data ?? []).map((o) => (
            <option key={o.id} value={`org:${o.id}`}>
              Organization: {o.name}
            </option>
          ))}
        </select>
      </div>
      <p class="note">
        An alert from an organization whose quiet hours are on follows that organization's window for all its deliveries; every other alert
        follows the system window.
      </p>
      <LoadError error={loaded.error} />
      {saved ? (
        <p class="quiet-line" role="status" data-testid="quiet-line">
          {quietLine(saved, held)}
        </p>
      ) : null}
      {form ? (
        <form
          class="panel"
          aria-label="Quiet hours"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api<QuietHours>('PUT', path, form).then((answer) => {
              setSaved(answer);
              setForm(answer);
            }, setError);
          }}
        >
          <label class="check">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            Quiet hours on
          </label>
          <Field label="Start" id="qh-start" error={fieldError(error, 'start')}>
            <input id="qh-start" type="time" required value={form.start} onInput={(e) => set({ start: e.currentTarget.value })} />
          </Field>
          <Field label="End" id="qh-end" error={fieldError(error, 'end')}>
            <input id="qh-end" type="time" required value={form.end} onInput={(e) => set({ end: e.currentTarget.value })} />
          </Field>
          <Field label="Time zone" id="qh-timezone" error={fieldError(error, 'timezone')} hint="Type to search, e.g. Berlin.">
            <input
              id="qh-timezone"
              list="time-zones"
              autoComplete="off"
              required
              value={form.timezone}
              aria-describedby="qh-timezone-hint"
              onInput={(e) => set({ timezone: e.currentTarget.value })}
            />
            <datalist id="time-zones">
              {TIME_ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </Field>
          <fieldset>
            <legend>Let these severities through</legend>
            {SEVERITIES.map((severity) => (
              <label class="check" key={severity}>
                <input
                  type="checkbox"
                  checked={form.bypass_severities.includes(severity)}
                  onChange={(e) =>
                    set({
                      bypass_severities: e.currentTarget.checked
                        ? [...form.bypass_severities, severity]
                        : form.bypass_severities.filter((s) => s !== severity),
                    })
                  }
                />
                {severity}
              </label>
            ))}
            {fieldError(error, 'bypass_severities') ? (
              <p class="field-error" role="alert">
                {fieldError(error, 'bypass_severities')}
              </p>
            ) : null}
          </fieldset>
          <label class="check">
            <input type="checkbox" checked={form.digest} onChange={(e) => set({ digest: e.currentTarget.checked })} />
            Send held alerts as one digest when the quiet period ends
          </label>
          <label class="check">
            <input type="checkbox" checked={form.digest_when_empty} onChange={(e) => set({ digest_when_empty: e.currentTarget.checked })} />
            Send an "all quiet" digest when nothing was held
          </label>
          <FormError error={error} fields={['start', 'end', 'timezone', 'bypass_severities']} />
          <div class="actions">
            <button type="submit">Save quiet hours</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
