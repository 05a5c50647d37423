import { digestTickAt } from '../support/digest-tick';
import { LOOPBACK } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/*
 * Each quiet-hours scope governs its own webhooks: the system window the operator's system webhooks,
 * an organization's window (when it has enabled quiet hours) that organization's webhooks. The
 * windows hold and release independently, each digest goes to its own scope's webhooks only, and an
 * organization cannot mute the system webhooks.
 *
 * System quiet hours 22:00–07:00 UTC. Day farm: 12:00–14:00 UTC. Night farm: 01:00–03:00 UTC.
 * Muted farm: 00:00–23:59 UTC with digest off (the attack).
 */

const utc = (iso: string) => Date.parse(iso);
const seconds = (iso: string) => utc(iso) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let herald: Harness;
let receiver: WebhookReceiver;
let clockMs = utc('2026-11-10T12:30:00Z');

const SYSTEM_PATHS = ['/qs/system-generic', '/qs/system-discord'];
const farms: Record<'day' | 'night' | 'muted', { id: number; printerId: number; path: string; scopeKey: string }> = {} as never;

function tick(processId: string) {
  return digestTickAt(herald, clockMs, processId);
}

async function post(printerId: number, occurredIso: string, title: string, severity = 'warning') {
  const response = await herald.request('POST', '/v1/alerts', {
    type: 'printer_error',
    severity,
    title,
    message: 'm',
    printer_id: printerId,
    timestamp: seconds(occurredIso),
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
}

async function settled(id: string, status: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await herald.request('GET', `/v1/alerts/${id}`);
    if (body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`alert ${id} is ${body.status}, not ${status}`);
    await sleep(50);
  }
}

const json = (r: { json: unknown }) => r.json as Record<string, any>;
/** Alerts (not digests) a path received, by title. */
const alertTitles = (path: string) =>
  receiver
    .requestsFor(path)
    .map((r) => json(r))
    .filter((body) => body?.type !== 'quiet_hours_digest')
    .map((body) => body.title ?? body.embeds?.[0]?.title ?? '');
/** Generic digests a path received. */
const genericDigests = (path: string) =>
  receiver
    .requestsFor(path)
    .map((r) => json(r))
    .filter((body) => body?.type === 'quiet_hours_digest');
/** Discord digests a path received. */
const discordDigests = (path: string) => receiver.requestsFor(path).filter((r) => r.body.includes('Quiet hours digest'));

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ now: () => clockMs });
  for (const path of SYSTEM_PATHS) {
    const type = path.endsWith('discord') ? 'discord' : 'generic';
    expect((await herald.request('POST', '/v1/webhooks', { name: path, url: receiver.url(path), type })).status).toBe(201);
  }
  expect(
    (await herald.request('PUT', '/v1/settings/quiet-hours', { enabled: true, start: '22:00', end: '07:00', timezone: 'UTC' })).status,
  ).toBe(200);
  const farmSettings = {
    day: { printerId: 110, quietHours: { enabled: true, start: '12:00', end: '14:00', timezone: 'UTC' } },
    night: { printerId: 120, quietHours: { enabled: true, start: '01:00', end: '03:00', timezone: 'UTC' } },
    muted: { printerId: 130, quietHours: { enabled: true, start: '00:00', end: '23:59', timezone: 'UTC', digest: false } },
  };
  for (const [name, { printerId, quietHours }] of Object.entries(farmSettings)) {
    const org = (await herald.request('POST', '/v1/orgs', { name: `${name} farm`, enterprise: true, allowed_private_targets: LOOPBACK }))
      .body;
    expect((await herald.request('PUT', `/v1/printers/${printerId}`, { name: `${name} printer`, org_id: org.id })).status).toBe(200);
    const path = `/qs/${name}-generic`;
    expect(
      (await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: path, url: receiver.url(path), type: 'generic' })).status,
    ).toBe(201);
    expect((await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, quietHours)).status).toBe(200);
    farms[name as keyof typeof farms] = { id: org.id, printerId, path, scopeKey: `org:${org.id}` };
  }
  await sleep(200);
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

describe('quiet hours per scope', () => {
  const ids: Record<string, string> = {};

  test("an organization's window holds only its own webhooks: the system webhooks get the alert now, the organization's in its digest", async () => {
    ids.dayNoon = await post(farms.day.printerId, '2026-11-10T12:30:00Z', 'day farm at 12:30');
    const alert = await settled(ids.dayNoon, 'delivered');
    expect(alert.deliveries.map((d: { webhook_name: string }) => d.webhook_name).sort()).toEqual([...SYSTEM_PATHS].sort());
    expect(alert.status_reason).toMatch(/quiet hours \(org \d+, 12:00.14:00 UTC\)/);
    for (const path of SYSTEM_PATHS) await receiver.waitFor(() => alertTitles(path).some((t) => t.includes('day farm at 12:30')));
    await sleep(300);
    expect(receiver.requestsFor(farms.day.path)).toHaveLength(0);

    // 14:00 ends the organization's window: its digest goes to its webhook only.
    clockMs = utc('2026-11-10T14:01:00Z');
    const dispatched = (await Promise.all([tick('a'), tick('b')])).flatMap((r) => r.dispatched);
    expect(dispatched.filter((d) => d.scopeKey === farms.day.scopeKey)).toEqual([
      expect.objectContaining({ alertCount: 1, deliveryCount: 1, closing: false }),
    ]);
    await receiver.waitFor(() => genericDigests(farms.day.path).length > 0);
    await sleep(300);
    expect(genericDigests(farms.day.path)).toEqual([
      expect.objectContaining({
        scope: 'organization',
        org_id: farms.day.id,
        alert_count: 1,
        alerts: [expect.objectContaining({ id: ids.dayNoon })],
      }),
    ]);
    expect(genericDigests('/qs/system-generic')).toEqual([]);
    expect(discordDigests('/qs/system-discord')).toEqual([]);
  });

  test('an organization cannot mute the system webhooks: 00:00–23:59 with digest off still lets critical alerts reach them at once', async () => {
    clockMs = utc('2026-11-10T15:00:00Z');
    ids.muted = await post(farms.muted.printerId, '2026-11-10T15:00:00Z', 'muted farm nozzle fire', 'critical');
    const alert = await settled(ids.muted, 'delivered');
    expect(alert.deliveries.map((d: { webhook_name: string }) => d.webhook_name).sort()).toEqual([...SYSTEM_PATHS].sort());
    for (const path of SYSTEM_PATHS) await receiver.waitFor(() => alertTitles(path).some((t) => t.includes('muted farm nozzle fire')));
    // The organization's own webhook follows its own setting: held, and with digest off never summarised.
    clockMs = utc('2026-11-11T00:00:30Z');
    await Promise.all([tick('a'), tick('b')]);
    await sleep(300);
    expect(receiver.requestsFor(farms.muted.path)).toHaveLength(0);
    expect(await herald.context.database.prisma.digest.count({ where: { scopeKey: farms.muted.scopeKey } })).toBe(0);
  });

  test('the system window holds only the system webhooks: an organization whose window is open gets the alert now', async () => {
    clockMs = utc('2026-11-10T23:30:00Z');
    ids.dayNight = await post(farms.day.printerId, '2026-11-10T23:00:00Z', 'day farm at 23:00');
    const alert = await settled(ids.dayNight, 'delivered');
    expect(alert.deliveries.map((d: { webhook_name: string }) => d.webhook_name)).toEqual([farms.day.path]);
    expect(alert.status_reason).toMatch(/quiet hours \(system, 22:00.07:00 UTC\)/);
    await receiver.waitFor(() => alertTitles(farms.day.path).includes('day farm at 23:00'));
    await sleep(300);
    for (const path of SYSTEM_PATHS) expect(alertTitles(path).filter((t) => t.includes('day farm at 23:00'))).toEqual([]);
  });

  test('both windows holding release at different times: each digest goes only to its own webhooks, each alert once per scope', async () => {
    const prisma = herald.context.database.prisma;
    clockMs = utc('2026-11-11T02:45:00Z');
    ids.night1 = await post(farms.night.printerId, '2026-11-11T01:30:00Z', 'night farm at 01:30');
    ids.night2 = await post(farms.night.printerId, '2026-11-11T02:30:00Z', 'night farm at 02:30');
    for (const id of [ids.night1, ids.night2]) {
      const alert = await settled(id, 'suppressed');
      expect(alert.deliveries).toEqual([]);
      expect(alert.status_reason).toMatch(/quiet hours \(system, .*\); quiet hours \(org \d+, 01:00.03:00 UTC\)/);
    }

    // 03:00: the organization's window ends; the system window is still quiet.
    clockMs = utc('2026-11-11T03:01:00Z');
    const atThree = (await Promise.all([tick('a'), tick('b'), tick('c')])).flatMap((r) => r.dispatched);
    expect(atThree.filter((d) => d.scopeKey === farms.night.scopeKey)).toEqual([
      expect.objectContaining({ alertCount: 2, deliveryCount: 1 }),
    ]);
    expect(atThree.filter((d) => d.scopeKey === 'system')).toEqual([]);
    await receiver.waitFor(() => genericDigests(farms.night.path).length > 0);
    await sleep(300);
    expect(genericDigests(farms.night.path).map((d) => d.alerts.map((a: { id: string }) => a.id).sort())).toEqual([
      [ids.night1, ids.night2].sort(),
    ]);
    expect(genericDigests('/qs/system-generic')).toEqual([]);
    // Still held from the system webhooks.
    expect(await prisma.alertHold.count({ where: { alertId: { in: [ids.night1!, ids.night2!] }, scope: 'system', digestId: null } })).toBe(
      2,
    );

    // 07:00: the system window ends: its digest goes to the system webhooks only, with what it held.
    clockMs = utc('2026-11-11T07:01:00Z');
    const atSeven = (await Promise.all([tick('a'), tick('b'), tick('c')])).flatMap((r) => r.dispatched);
    expect(atSeven.filter((d) => d.scopeKey === 'system')).toEqual([expect.objectContaining({ alertCount: 3, deliveryCount: 2 })]);
    expect(atSeven.filter((d) => d.scopeKey !== 'system')).toEqual([]);
    await receiver.waitFor(() => genericDigests('/qs/system-generic').length > 0 && discordDigests('/qs/system-discord').length > 0);
    expect((await Promise.all([tick('d'), tick('e')])).flatMap((r) => r.dispatched)).toEqual([]);
    await sleep(300);

    const systemDigests = genericDigests('/qs/system-generic');
    expect(systemDigests).toHaveLength(1);
    expect(systemDigests[0]).toMatchObject({ scope: 'system', window_end: seconds('2026-11-11T07:00:00Z'), alert_count: 3 });
    expect(systemDigests[0]!.alerts.map((a: { id: string }) => a.id).sort()).toEqual([ids.dayNight, ids.night1, ids.night2].sort());
    expect(discordDigests('/qs/system-discord')).toHaveLength(1);
    expect(discordDigests('/qs/system-discord')[0]!.body).toContain('3 alerts');
    // The organizations' webhooks got no system digest, and each its own digest once.
    expect(genericDigests(farms.night.path)).toHaveLength(1);
    expect(genericDigests(farms.day.path)).toHaveLength(1);
    expect(genericDigests(farms.muted.path)).toHaveLength(0);
    // Every alert reached each webhook once: now or in a digest, never both.
    const reached = (path: string, id: string, title: string) =>
      alertTitles(path).filter((t) => t.includes(title)).length +
      genericDigests(path)
        .flatMap((d) => d.alerts.map((a: { id: string }) => a.id))
        .filter((a: string) => a === id).length;
    expect([
      reached('/qs/system-generic', ids.dayNoon!, 'day farm at 12:30'),
      reached(farms.day.path, ids.dayNoon!, 'day farm at 12:30'),
      reached('/qs/system-generic', ids.dayNight!, 'day farm at 23:00'),
      reached(farms.day.path, ids.dayNight!, 'day farm at 23:00'),
      reached('/qs/system-generic', ids.night1!, 'night farm at 01:30'),
      reached(farms.night.path, ids.night1!, 'night farm at 01:30'),
      reached('/qs/system-generic', ids.night2!, 'night farm at 02:30'),
      reached(farms.night.path, ids.night2!, 'night farm at 02:30'),
    ]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });
});
