import type { ConsoleEvent } from '@herald/core';
import { canSeeEvent, formatServerSentEvents } from '../src/routes/event-routes';

const event = (orgId: number | null): ConsoleEvent => ({
  kind: 'delivery',
  org_id: orgId,
  delivery_id: 'd',
  alert_id: 'a',
  webhook_id: 'w',
  attempt: 2,
  status: 'retrying',
  status_code: 503,
  duration_ms: 9,
  at: '2026-12-02T00:00:00.000Z',
});

test('an admin sees every event; an org admin only its organization’s', () => {
  const admin = { tokenId: 't', role: 'admin' as const, orgId: null };
  const orgAdmin = { tokenId: 't', role: 'org_admin' as const, orgId: 4 };
  expect([null, 4, 5].map((org) => canSeeEvent(admin, event(org)))).toEqual([true, true, true]);
  expect([null, 4, 5].map((org) => canSeeEvent(orgAdmin, event(org)))).toEqual([false, true, false]);
  expect(canSeeEvent({ ...orgAdmin, orgId: null }, event(null))).toBe(false);
});

test('each event is one server-sent event named by its kind', () => {
  expect(formatServerSentEvents([event(4)])).toBe(`event: delivery\ndata: ${JSON.stringify(event(4))}\n\n`);
});
