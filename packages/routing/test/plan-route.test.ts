import { buildRoutingTable, type AlertView, type QuietHoursSetting } from '@herald/core';
import { planRoute, type DirectorySnapshot, type RoutedWebhook } from '../src';

const NIGHT_UTC: QuietHoursSetting = {
  enabled: true,
  start: '22:00',
  end: '07:00',
  timezone: 'UTC',
  digest: true,
  bypassSeverities: [],
  digestWhenEmpty: false,
};
const MIDDAY_UTC: QuietHoursSetting = { ...NIGHT_UTC, start: '11:00', end: '13:00' };
const MIDNIGHT = Date.parse('2026-05-11T00:00:00Z');
const NOON = Date.parse('2026-05-11T12:00:00Z');
const EVENING = Date.parse('2026-05-10T18:00:00Z');

const webhooks: RoutedWebhook[] = [
  { id: 'system-a', alertTypes: [], orgId: null },
  { id: 'system-b', alertTypes: [], orgId: null },
  { id: 'org-4', alertTypes: [], orgId: 4 },
  { id: 'org-5', alertTypes: [], orgId: 5 },
];

function snapshot(
  quietHoursByOrg: [number, QuietHoursSetting][],
  systemQuietHours: QuietHoursSetting | null = NIGHT_UTC,
): DirectorySnapshot {
  return {
    ...buildRoutingTable(webhooks, [4, 5]),
    webhookById: new Map(),
    sealedWebhookIds: new Set(),
    systemQuietHours,
    quietHoursByOrg: new Map(quietHoursByOrg),
    printerById: new Map(),
    loadedAtMs: 0,
  };
}

function alert(occurredAtMs: number, orgId: number | null): AlertView {
  return {
    id: 'a',
    type: 'print_failed',
    severity: 'critical',
    title: 't',
    message: 'm',
    printerId: 1,
    printerName: null,
    orgId,
    occurredAtMs,
  };
}

const neverClaimed = () => Promise.resolve(false);

describe('planRoute', () => {
  test("an organization's window holds only its own webhooks; the system webhooks get the alert now", async () => {
    expect(await planRoute(alert(NOON, 4), snapshot([[4, MIDDAY_UTC]]), neverClaimed)).toEqual({
      action: 'dispatch',
      webhookIds: ['system-a', 'system-b'],
      holds: [{ scope: 'org:4', audience: 'organization', reason: 'quiet hours (org 4, 11:00\u201313:00 UTC)' }],
    });
  });

  test('the system window holds only the system webhooks; an organization whose window is open gets the alert now', async () => {
    expect(await planRoute(alert(MIDNIGHT, 4), snapshot([[4, MIDDAY_UTC]]), neverClaimed)).toMatchObject({
      action: 'dispatch',
      webhookIds: ['org-4'],
      holds: [{ scope: 'system', audience: 'system' }],
    });
  });

  test('both windows holding: nothing now, suppressed with both holds', async () => {
    const allNight = { ...NIGHT_UTC, timezone: 'Europe/Berlin' };
    const plan = await planRoute(alert(MIDNIGHT, 4), snapshot([[4, allNight]]), neverClaimed);
    expect(plan).toMatchObject({ action: 'suppress', scope: 'system', holds: [{ scope: 'system' }, { scope: 'org:4' }] });
    expect(plan.action === 'suppress' && plan.reason).toBe(
      'quiet hours (system, 22:00\u201307:00 UTC); quiet hours (org 4, 22:00\u201307:00 Europe/Berlin)',
    );
  });

  test('an organization without quiet hours of its own follows the system window for its webhooks', async () => {
    expect(await planRoute(alert(MIDNIGHT, 4), snapshot([]), neverClaimed)).toMatchObject({
      action: 'suppress',
      holds: [{ scope: 'system', audience: 'all' }],
    });
    expect(await planRoute(alert(EVENING, 4), snapshot([]), neverClaimed)).toEqual({
      action: 'dispatch',
      webhookIds: ['system-a', 'system-b', 'org-4'],
      holds: [],
    });
  });

  test('a window whose digest was already claimed holds nothing: its webhooks get the alert now', async () => {
    const claimed = (scope: string) => Promise.resolve(scope === 'system');
    expect(await planRoute(alert(MIDNIGHT, 4), snapshot([[4, { ...NIGHT_UTC, start: '23:00' }]]), claimed)).toMatchObject({
      action: 'dispatch',
      webhookIds: ['system-a', 'system-b'],
      holds: [{ scope: 'org:4' }],
    });
  });

  test('an alert routed before is re-sent only to the webhooks its holds do not keep it from', async () => {
    const open = snapshot([], null);
    expect(await planRoute(alert(NOON, 4), open, neverClaimed, ['organization'])).toEqual({
      action: 'dispatch',
      webhookIds: ['system-a', 'system-b'],
      holds: [],
    });
    expect(await planRoute(alert(NOON, 4), open, neverClaimed, ['system', 'organization'])).toEqual({
      action: 'dispatch',
      webhookIds: [],
      holds: [],
    });
  });

  test('no webhook and no window holding: no_targets', async () => {
    expect(await planRoute(alert(NOON, null), { ...snapshot([], null), systemWebhooks: [] }, neverClaimed)).toEqual({
      action: 'no_targets',
    });
  });
});
