import { LOOPBACK } from '../support/admin-fixtures';
import { digestTickAt } from '../support/digest-tick';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

// Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST (01:00 UTC).
const utc = (iso: string) => Date.parse(iso);
const seconds = (iso: string) => utc(iso) / 1000;

let herald: Harness;
let receiver: WebhookReceiver;
let clockMs = utc('2026-10-24T12:00:00Z');

function tick(processId: string, staleAfterMs = 120_000) {
  return digestTickAt(herald, clockMs, processId, staleAfterMs);
}

async function alertStatus(id: string, want?: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await herald.request('GET', `/v1/alerts/${id}`);
    if (!want ? !['queued'].includes(body.status) : body.status === want) return body;
    if (Date.now() > deadline) throw new Error(`alert ${id} stayed ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function post(type: string, printerId: number, timestampIso: string, title = `${type} at ${timestampIso}`) {
  const response = await herald.request('POST', '/v1/alerts', {
    type,
    title,
    message: 'm',
    printer_id: printerId,
    timestamp: seconds(timestampIso),
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ now: () => clockMs });
  for (const type of ['discord', 'slack', 'generic']) {
    expect((await herald.request('POST', '/v1/webhooks', { name: type, url: receiver.url(`/qh/${type}`), type })).status).toBe(201);
  }
  expect(
    (
      await herald.request('POST', '/v1/webhooks', {
        name: 'failures',
        url: receiver.url('/qh/failures'),
        type: 'generic',
        alert_types: ['print_failed'],
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

describe('quiet hours settings', () => {
  test('invalid times and zones are refused naming the field', async () => {
    const bad = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: true,
      start: '25:00',
      end: '07:00',
      timezone: 'Mars/Olympus',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['start', 'timezone']);
    const same = await herald.request('PUT', '/v1/settings/quiet-hours', { enabled: true, start: '07:00', end: '07:00' });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].field).toBe('end');
  });
});

describe('overnight window in Europe/Berlin across the end of summer time', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const put = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: true,
      start: '22:00',
      end: '07:00',
      timezone: 'Europe/Berlin',
      digest: true,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin', bypass_severities: [] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-25T07:30:00Z');
    ids.before = await post('print_complete', 1, '2026-10-24T19:59:00Z'); // 21:59 CEST: outside
    ids.evening = await post('print_failed', 1, '2026-10-24T21:30:00Z'); // 23:30 CEST: inside
    ids.night = await post('spool_low', 1, '2026-10-25T01:30:00Z'); // 02:30 CET (after the switch): inside
    ids.morning = await post('printer_error', 1, '2026-10-25T05:30:00Z'); // 06:30 CET: inside
    ids.after = await post('job_approved', 1, '2026-10-25T06:30:00Z'); // 07:30 CET: outside
  });

  test('alerts inside are suppressed and say why; alerts outside are delivered', async () => {
    for (const key of ['evening', 'night', 'morning']) {
      const alert = await alertStatus(ids[key] as string, 'suppressed');
      expect(alert.status_reason).toMatch(/quiet hours.*22:00.07:00 Europe\/Berlin/);
      expect(alert.deliveries).toEqual([]);
    }
    for (const key of ['before', 'after']) expect((await alertStatus(ids[key] as string, 'delivered')).status).toBe('delivered');
  });

  test('after the window ends one digest per webhook summarizes exactly the held alerts, even with three digest processes', async () => {
    // The window ends at 07:00 CET = 06:00 UTC; the clock stands at 07:30 UTC.
    const results = await Promise.all([tick('p1'), tick('p2'), tick('p3')]);
    const dispatched = results.flatMap((r) => r.dispatched);
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]).toMatchObject({ scopeKey: 'system', alertCount: 3, deliveryCount: 4 });
    expect((await Promise.all([tick('p1'), tick('p2')])).flatMap((r) => r.dispatched)).toHaveLength(0);

    await receiver.waitFor((r) =>
      ['discord', 'slack', 'generic', 'failures'].every((t) =>
        r.some((x) => x.path === `/qh/${t}` && JSON.stringify(x.json).includes('igest')),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const digestsAt = (path: string) => receiver.requestsFor(path).filter((r) => JSON.stringify(r.json).includes('igest'));
    for (const path of ['/qh/discord', '/qh/slack', '/qh/generic', '/qh/failures']) expect(digestsAt(path)).toHaveLength(1);

    const generic = digestsAt('/qh/generic')[0]?.json as Record<string, any>;
    expect(generic).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'system',
      window_start: seconds('2026-10-24T20:00:00Z'),
      window_end: seconds('2026-10-25T06:00:00Z'),
      alert_count: 3,
      counts_by_type: { print_failed: 1, spool_low: 1, printer_error: 1 },
      counts_by_severity: { critical: 2, warning: 1, info: 0 },
      truncated: false,
    });
    expect(generic.alerts.map((a: { id: string }) => a.id)).toEqual([ids.morning, ids.evening, ids.night]);
    // The filtered webhook's digest holds only what it would have received.
    const failures = digestsAt('/qh/failures')[0]?.json as Record<string, any>;
    expect(failures.alert_count).toBe(1);
    expect(failures.alerts[0].id).toBe(ids.evening);

    const discord = digestsAt('/qh/discord')[0]?.json as Record<string, any>;
    expect(discord.embeds[0].title).toBe('Quiet hours digest: 3 alerts (22:00–07:00 Europe/Berlin)');
    expect(discord.embeds[0].color).toBe(16711680);
    expect(discord.embeds[0].footer).toEqual({ text: 'O.D.I.N. Alert' });
    const slack = digestsAt('/qh/slack')[0]?.json as Record<string, any>;
    expect(slack.blocks[0].type).toBe('header');
    expect(typeof slack.text).toBe('string');

    const held = await herald.context.database.prisma.alert.findMany({
      where: { id: { in: [ids.evening, ids.night, ids.morning] as string[] } },
    });
    expect(new Set(held.map((a) => a.digestId)).size).toBe(1);
    expect(held[0]?.digestId).not.toBeNull();
  });
});

describe('organization windows and crashed digest processes', () => {
  test("each window decides for its own webhooks: the organization's for the organization's, the system's for the system's", async () => {
    const org = (
      await herald.request('POST', '/v1/orgs', { name: 'Night shift farm', enterprise: true, allowed_private_targets: LOOPBACK })
    ).body;
    await herald.request('PUT', '/v1/printers/50', { name: 'N-1', org_id: org.id });
    const put = await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
      enabled: true,
      start: '08:00',
      end: '12:00',
      timezone: 'UTC',
    });
    expect(put.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-26T13:00:00Z');
    const orgNight = await post('print_complete', 50, '2026-10-25T22:30:00Z');
    const orgMorning = await post('print_complete', 50, '2026-10-26T09:00:00Z');
    const otherNight = await post('print_complete', 1, '2026-10-25T22:30:00Z');
    // 23:30 Berlin: the org's window (08–12 UTC) is open, but the system window holds the system webhooks
    // (and the farm has none of its own): nothing is sent now.
    const night = await alertStatus(orgNight, 'suppressed');
    expect(night.status_reason).toMatch(/quiet hours \(system/);
    expect(night.deliveries).toEqual([]);
    // 09:00 UTC: the org's own window holds only its own webhooks; the system webhooks get it now.
    const morning = await alertStatus(orgMorning, 'delivered');
    expect(morning.status_reason).toMatch(/quiet hours \(org/);
    expect(morning.deliveries.map((d: { webhook_name: string }) => d.webhook_name).sort()).toEqual(['discord', 'generic', 'slack']);
    expect((await alertStatus(otherNight, 'suppressed')).status_reason).toMatch(/system/);
  });

  test('a digest claimed by a process that died is resumed, and still sent exactly once', async () => {
    const prisma = herald.context.database.prisma;
    const org = (await herald.request('POST', '/v1/orgs', { name: 'Crash farm', enterprise: true, allowed_private_targets: LOOPBACK }))
      .body;
    await herald.request('PUT', '/v1/printers/60', { name: 'C-1', org_id: org.id });
    await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: 'crash', url: receiver.url('/qh/crash'), type: 'generic' });
    await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, { enabled: true, start: '01:00', end: '02:00', timezone: 'UTC' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-27T01:30:00Z');
    for (let i = 0; i < 60; i++)
      await post(i % 2 ? 'print_failed' : 'bed_cooled', 60, `2026-10-27T01:${String(i % 59).padStart(2, '0')}:00Z`, `crash ${i}`);
    const heldCount = () => prisma.alertHold.count({ where: { scope: `org:${org.id}` } });
    const deadline = Date.now() + 10_000;
    while ((await heldCount()) < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await heldCount()).toBe(60);

    // A process claims the window and dies before dispatching it.
    clockMs = utc('2026-10-27T02:01:00Z');
    await prisma.digest.create({
      data: {
        scope: 'organization',
        scopeKey: `org:${org.id}`,
        orgId: org.id,
        windowStart: new Date(utc('2026-10-27T01:00:00Z')),
        windowEnd: new Date(utc('2026-10-27T02:00:00Z')),
        timezone: 'UTC',
        claimedBy: 'dead-process',
        claimedAt: new Date(clockMs),
      },
    });
    expect((await tick('alive')).dispatched.filter((d) => d.scopeKey === `org:${org.id}`)).toHaveLength(0);
    clockMs += 3 * 60_000;
    const resumed = (await Promise.all([tick('a'), tick('b'), tick('c')]))
      .flatMap((r) => r.dispatched)
      .filter((d) => d.scopeKey === `org:${org.id}`);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.alertCount).toBe(60);

    await receiver.waitFor((r) => r.some((x) => x.path === '/qh/crash'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const crash = receiver.requestsFor('/qh/crash');
    expect(crash).toHaveLength(1);
    const digest = crash[0]?.json as Record<string, any>;
    expect(digest).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: org.id,
      alert_count: 60,
      truncated: true,
      counts_by_type: { print_failed: 30, bed_cooled: 30 },
    });
    expect(digest.alerts).toHaveLength(50);
    expect(digest.alerts.slice(0, 30).every((a: { severity: string }) => a.severity === 'critical')).toBe(true);
  });
});

describe('a window that held nothing', () => {
  test('sends an "all quiet" digest where digest_when_empty is set, and nothing where it is not', async () => {
    const prisma = herald.context.database.prisma;
    const quietFarm = (
      await herald.request('POST', '/v1/orgs', { name: 'All quiet farm', enterprise: true, allowed_private_targets: LOOPBACK })
    ).body;
    const silentFarm = (
      await herald.request('POST', '/v1/orgs', { name: 'Silent farm', enterprise: true, allowed_private_targets: LOOPBACK })
    ).body;
    for (const [org, path] of [
      [quietFarm, '/qh/all-quiet'],
      [silentFarm, '/qh/silent'],
    ] as const) {
      await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: path, url: receiver.url(path), type: 'generic' });
      const put = await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
        enabled: true,
        start: '03:00',
        end: '04:00',
        timezone: 'UTC',
        digest_when_empty: org === quietFarm,
      });
      expect(put.status).toBe(200);
      expect(put.body.digest_when_empty).toBe(org === quietFarm);
    }
    clockMs = utc('2026-10-28T04:01:00Z');
    const dispatched = (await tick('empty-windows')).dispatched.filter((d) =>
      [`org:${quietFarm.id}`, `org:${silentFarm.id}`].includes(d.scopeKey),
    );
    expect(dispatched.map((d) => ({ scopeKey: d.scopeKey, alertCount: d.alertCount }))).toEqual(
      expect.arrayContaining([
        { scopeKey: `org:${quietFarm.id}`, alertCount: 0 },
        { scopeKey: `org:${silentFarm.id}`, alertCount: 0 },
      ]),
    );

    await receiver.waitFor((r) => r.some((x) => x.path === '/qh/all-quiet'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const allQuiet = receiver.requestsFor('/qh/all-quiet');
    expect(allQuiet).toHaveLength(1);
    expect(allQuiet[0]?.json).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: quietFarm.id,
      window_start: seconds('2026-10-28T03:00:00Z'),
      window_end: seconds('2026-10-28T04:00:00Z'),
      alert_count: 0,
      alerts: [],
    });
    expect(receiver.requestsFor('/qh/silent')).toHaveLength(0);
    const windows = await prisma.digest.findMany({ where: { orgId: { in: [quietFarm.id, silentFarm.id] } } });
    expect(Object.fromEntries(windows.map((d) => [d.scopeKey, d.status]))).toEqual({
      [`org:${quietFarm.id}`]: 'dispatched',
      [`org:${silentFarm.id}`]: 'empty',
    });
  });
});

describe('quiet hours switched off, removed or changed mid-window', () => {
  type TickResult = Awaited<ReturnType<typeof tick>>;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sentFor = (scopeKey: string, ...results: TickResult[]) =>
    results.flatMap((r) => r.dispatched).filter((d) => d.scopeKey === scopeKey && d.deliveryCount > 0);
  const json = (r: { json: unknown }) => r.json as Record<string, any>;
  /** Generic digests at `path` of the given scope (org id, or null for the system scope). */
  const genericDigests = (path: string, orgId: number | null) =>
    receiver
      .requestsFor(path)
      .filter((r) => json(r)?.type === 'quiet_hours_digest' && (orgId === null ? json(r).scope === 'system' : json(r).org_id === orgId));
  const labelled = (path: string, label: string) => receiver.requestsFor(path).filter((r) => r.body.includes(label));
  /** Three digest processes tick together: the scope's closing digest is sent once, as `expected` says. */
  async function closingDigestSentOnce(scopeKey: string, expected: Record<string, unknown>) {
    const sent = sentFor(scopeKey, ...(await Promise.all([tick('a'), tick('b'), tick('c')])));
    expect(sent).toEqual([expect.objectContaining({ ...expected, closing: true })]);
    return sent[0]!;
  }
  /** The one generic digest an organization's webhook received. */
  async function onlyGenericDigest(path: string, orgId: number): Promise<Record<string, any>> {
    await receiver.waitFor(() => genericDigests(path, orgId).length > 0);
    await sleep(300);
    expect(genericDigests(path, orgId)).toHaveLength(1);
    return json(genericDigests(path, orgId)[0]!);
  }

  async function farm(name: string, printerId: number, quietHours: Record<string, unknown>, webhookTypes: string[] = ['generic']) {
    const org = (await herald.request('POST', '/v1/orgs', { name, enterprise: true, allowed_private_targets: LOOPBACK })).body;
    expect((await herald.request('PUT', `/v1/printers/${printerId}`, { name: `${name} printer`, org_id: org.id })).status).toBe(200);
    for (const type of webhookTypes) {
      const path = `/qh/${name.toLowerCase().replace(/\W+/g, '-')}-${type}`;
      expect((await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: path, url: receiver.url(path), type })).status).toBe(201);
    }
    expect((await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, quietHours)).status).toBe(200);
    await sleep(200);
    return {
      id: org.id as number,
      scopeKey: `org:${org.id}`,
      path: (type: string) => `/qh/${name.toLowerCase().replace(/\W+/g, '-')}-${type}`,
    };
  }

  test("an organization's quiet hours switched off at 03:00 send what 22:00–03:00 held: one digest per webhook, once across three ticks, nothing later", async () => {
    const prisma = herald.context.database.prisma;
    const org = await farm('Switch-off farm', 70, { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin' }, [
      'generic',
      'discord',
    ]);
    // The window opens 2026-10-28 22:00 CET (21:00 UTC) and would end 2026-10-29 07:00 CET (06:00 UTC).
    clockMs = utc('2026-10-29T01:30:00Z');
    const held = [
      await post('print_failed', 70, '2026-10-28T21:30:00Z'),
      await post('spool_low', 70, '2026-10-28T23:45:00Z'),
      await post('printer_error', 70, '2026-10-29T01:15:00Z'),
    ];
    for (const id of held) expect((await alertStatus(id, 'suppressed')).status_reason).toMatch(/quiet hours \(org/);
    // While the window is open its own digest will take them.
    expect(sentFor(org.scopeKey, await tick('early'))).toEqual([]);

    clockMs = utc('2026-10-29T02:00:00Z'); // 03:00 CET
    const off = await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
      enabled: false,
      start: '22:00',
      end: '07:00',
      timezone: 'Europe/Berlin',
    });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    await sleep(200);

    clockMs = utc('2026-10-29T02:01:30Z');
    // The org's two webhooks only: the system window (22:00–07:00 Berlin too) holds the system webhooks for its own digest.
    const sent = await closingDigestSentOnce(org.scopeKey, { alertCount: 3, deliveryCount: 2 });

    const label = '22:00\u201303:01 Europe/Berlin, quiet hours turned off';
    const byPath = () => ({
      [org.path('generic')]: genericDigests(org.path('generic'), org.id),
      [org.path('discord')]: labelled(org.path('discord'), label),
    });
    const systemPaths = () => ({
      '/qh/generic': genericDigests('/qh/generic', org.id),
      '/qh/failures': genericDigests('/qh/failures', org.id),
      '/qh/discord': labelled('/qh/discord', label),
      '/qh/slack': labelled('/qh/slack', label),
    });
    await receiver.waitFor(() => Object.values(byPath()).every((requests) => requests.length > 0));
    await sleep(300);
    for (const [path, requests] of Object.entries(byPath())) expect([path, requests.length]).toEqual([path, 1]);
    for (const [path, requests] of Object.entries(systemPaths())) expect([path, requests.length]).toEqual([path, 0]);

    const generic = json(byPath()[org.path('generic')]![0]!);
    expect(generic).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: org.id,
      window_start: seconds('2026-10-28T21:00:00Z'),
      window_end: seconds('2026-10-29T02:01:00Z'),
      alert_count: 3,
      counts_by_type: { print_failed: 1, spool_low: 1, printer_error: 1 },
    });
    expect(generic.alerts.map((a: { id: string }) => a.id).sort()).toEqual([...held].sort());
    expect(json(byPath()[org.path('discord')]![0]!).embeds[0].title).toBe(`Quiet hours digest: 3 alerts (${label})`);
    const rows = await prisma.alert.findMany({ where: { id: { in: held } } });
    expect(rows.map((a) => a.digestId)).toEqual([sent.digestId, sent.digestId, sent.digestId]);
    expect(rows.every((a) => a.status === 'suppressed')).toBe(true);

    // Later ticks, also past the 07:00 the window would have ended at, send nothing more.
    clockMs = utc('2026-10-29T02:06:30Z');
    const again = await Promise.all([tick('a'), tick('b'), tick('c')]);
    clockMs = utc('2026-10-29T06:30:00Z');
    const afterEnd = await Promise.all([tick('a'), tick('b')]);
    expect(sentFor(org.scopeKey, ...again, ...afterEnd)).toEqual([]);
    await sleep(300);
    for (const [path, requests] of Object.entries(byPath())) expect([path, requests.length]).toEqual([path, 1]);
    for (const [path, requests] of Object.entries(systemPaths())) expect([path, requests.length]).toEqual([path, 0]);
    // Besides the closing digest only the empty window that ended the morning before the setting existed.
    const windows = await prisma.digest.findMany({ where: { scopeKey: org.scopeKey }, orderBy: { windowEnd: 'asc' } });
    expect(windows.map((d) => [d.windowStart.toISOString(), d.windowEnd.toISOString(), d.status, d.alertCount])).toEqual([
      ['2026-10-27T21:00:00.000Z', '2026-10-28T06:00:00.000Z', 'empty', 0],
      ['2026-10-28T21:00:00.000Z', '2026-10-29T02:01:00.000Z', 'dispatched', 3],
    ]);
  });

  test('system quiet hours switched off mid-window send what they held once, across three ticks, and nothing later', async () => {
    // The system window opens 2026-10-29 22:00 CET (21:00 UTC).
    clockMs = utc('2026-10-30T01:00:00Z');
    const held = [await post('print_failed', 1, '2026-10-29T22:10:00Z'), await post('spool_low', 1, '2026-10-30T00:20:00Z')];
    for (const id of held) expect((await alertStatus(id, 'suppressed')).status_reason).toMatch(/quiet hours \(system/);
    expect(sentFor('system', await tick('early'))).toEqual([]);

    clockMs = utc('2026-10-30T02:00:00Z');
    const off = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: false,
      start: '22:00',
      end: '07:00',
      timezone: 'Europe/Berlin',
    });
    expect(off.status).toBe(200);
    await sleep(200);

    clockMs = utc('2026-10-30T02:05:10Z');
    await closingDigestSentOnce('system', { alertCount: 2, deliveryCount: 4 });

    const label = '22:00\u201303:05 Europe/Berlin, quiet hours turned off';
    const windowEnd = seconds('2026-10-30T02:05:00Z');
    const byPath = () => ({
      '/qh/generic': genericDigests('/qh/generic', null).filter((r) => json(r).window_end === windowEnd),
      '/qh/failures': genericDigests('/qh/failures', null).filter((r) => json(r).window_end === windowEnd),
      '/qh/discord': labelled('/qh/discord', label),
      '/qh/slack': labelled('/qh/slack', label),
    });
    await receiver.waitFor(() => Object.values(byPath()).every((requests) => requests.length > 0));
    await sleep(300);
    for (const [path, requests] of Object.entries(byPath())) expect([path, requests.length]).toEqual([path, 1]);
    expect(json(byPath()['/qh/generic']![0]!)).toMatchObject({
      scope: 'system',
      window_start: seconds('2026-10-29T21:00:00Z'),
      window_end: windowEnd,
      alert_count: 2,
    });
    expect(json(byPath()['/qh/discord']![0]!).embeds[0].title).toBe(`Quiet hours digest: 2 alerts (${label})`);

    clockMs = utc('2026-10-30T06:30:00Z');
    expect(sentFor('system', ...(await Promise.all([tick('a'), tick('b'), tick('c')])))).toEqual([]);
    await sleep(300);
    for (const [path, requests] of Object.entries(byPath())) expect([path, requests.length]).toEqual([path, 1]);
  });

  test("an organization's removed setting still sends what it held, labelled as removed", async () => {
    const prisma = herald.context.database.prisma;
    const org = await farm('Removed farm', 80, { enabled: true, start: '22:00', end: '07:00', timezone: 'UTC' }, ['generic', 'discord']);
    clockMs = utc('2026-10-31T01:00:00Z');
    const held = [await post('bed_cooled', 80, '2026-10-30T22:13:20Z'), await post('spool_low', 80, '2026-10-31T00:40:00Z')];
    // System quiet hours are off: the system webhooks got them at once; the org's window holds its own.
    for (const id of held) await alertStatus(id, 'delivered');
    await prisma.quietHoursSetting.delete({ where: { scope: org.scopeKey } });

    clockMs = utc('2026-10-31T01:02:00Z');
    await closingDigestSentOnce(org.scopeKey, { alertCount: 2 });
    expect(await onlyGenericDigest(org.path('generic'), org.id)).toMatchObject({
      window_start: seconds('2026-10-30T22:13:00Z'),
      window_end: seconds('2026-10-31T01:02:00Z'),
      alert_count: 2,
    });
    await receiver.waitFor(() => labelled(org.path('discord'), 'Quiet hours digest').length > 0);
    expect(labelled(org.path('discord'), 'Quiet hours digest: 2 alerts (22:13\u201301:02 UTC, quiet hours removed)')).toHaveLength(1);
    expect(labelled('/qh/discord', 'quiet hours removed')).toHaveLength(0);

    clockMs = utc('2026-10-31T08:00:00Z');
    expect(sentFor(org.scopeKey, await tick('a'))).toEqual([]);
  });

  test('hours changed mid-window so the window that held alerts never comes again: sent at once, not after the next window', async () => {
    const org = await farm('Changed farm', 85, { enabled: true, start: '22:00', end: '07:00', timezone: 'UTC' }, ['generic', 'discord']);
    clockMs = utc('2026-11-01T01:30:00Z');
    const held = [await post('print_failed', 85, '2026-10-31T23:00:00Z'), await post('print_failed', 85, '2026-11-01T01:00:00Z')];
    for (const id of held) await alertStatus(id, 'delivered');
    clockMs = utc('2026-11-01T02:00:00Z');
    expect(
      (await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, { enabled: true, start: '12:00', end: '13:00', timezone: 'UTC' }))
        .status,
    ).toBe(200);
    await sleep(200);

    clockMs = utc('2026-11-01T02:01:00Z');
    await closingDigestSentOnce(org.scopeKey, { alertCount: 2 });
    expect(await onlyGenericDigest(org.path('generic'), org.id)).toMatchObject({
      window_start: seconds('2026-10-31T23:00:00Z'),
      window_end: seconds('2026-11-01T02:01:00Z'),
      alert_count: 2,
    });
    await receiver.waitFor(() => labelled(org.path('discord'), 'Quiet hours digest').length > 0);
    expect(labelled(org.path('discord'), 'Quiet hours digest: 2 alerts (23:00\u201302:01 UTC)')).toHaveLength(1);
    expect(labelled('/qh/discord', 'Quiet hours digest: 2 alerts (23:00\u201302:01 UTC)')).toHaveLength(0);

    // The new 12:00–13:00 window ends with nothing held, so nothing is sent.
    clockMs = utc('2026-11-01T13:01:00Z');
    expect(sentFor(org.scopeKey, await tick('a'))).toEqual([]);
    await sleep(300);
    expect(genericDigests(org.path('generic'), org.id)).toHaveLength(1);
  });

  test('switched off with digest: false, the held alerts stay held, as they would at the end of a window', async () => {
    const prisma = herald.context.database.prisma;
    const org = await farm('No digest farm', 90, { enabled: true, start: '22:00', end: '07:00', timezone: 'UTC' });
    clockMs = utc('2026-11-02T00:30:00Z');
    const id = await post('spool_low', 90, '2026-11-01T23:00:00Z');
    await alertStatus(id, 'delivered');
    expect(
      (
        await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
          enabled: false,
          start: '22:00',
          end: '07:00',
          timezone: 'UTC',
          digest: false,
        })
      ).status,
    ).toBe(200);
    clockMs = utc('2026-11-02T00:31:00Z');
    expect(sentFor(org.scopeKey, ...(await Promise.all([tick('a'), tick('b')])))).toEqual([]);
    expect(await prisma.digest.count({ where: { scopeKey: org.scopeKey } })).toBe(0);
    expect(await prisma.alert.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'delivered', digestId: null });
    expect(await prisma.alertHold.findMany({ where: { alertId: id } })).toMatchObject([{ scope: org.scopeKey, digestId: null }]);
  });

  test('deleting an organization does not send its digested alerts again', async () => {
    const prisma = herald.context.database.prisma;
    const org = await farm('Gone farm', 95, { enabled: true, start: '01:00', end: '02:00', timezone: 'UTC' });
    clockMs = utc('2026-11-03T01:30:00Z');
    const first = await post('spool_low', 95, '2026-11-03T01:10:00Z');
    await alertStatus(first, 'delivered');
    clockMs = utc('2026-11-03T02:01:00Z');
    expect(sentFor(org.scopeKey, await tick('a'))).toEqual([expect.objectContaining({ alertCount: 1, closing: false })]);
    await receiver.waitFor(() => genericDigests(org.path('generic'), org.id).length > 0);

    // Deleting the organization cascades to its setting and digests; the alerts they sent lose their digest_id.
    // The worker may still be recording the digest's attempt: a write conflict with the cascade is retried.
    for (let tries = 1; ; tries += 1) {
      try {
        await prisma.organization.delete({ where: { id: org.id } });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'P2034' || tries === 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(await prisma.alert.findUniqueOrThrow({ where: { id: first } })).toMatchObject({ status: 'delivered', digestId: null });
    clockMs = utc('2026-11-03T02:05:00Z');
    expect(sentFor(org.scopeKey, ...(await Promise.all([tick('a'), tick('b')])))).toEqual([]);
    await sleep(300);
    expect(genericDigests(org.path('generic'), org.id)).toHaveLength(1);
  });
});
