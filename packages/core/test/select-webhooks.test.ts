import { buildRoutingTable, selectWebhooksForAlert } from '../src';

const webhook = (id: string, filters: { alertTypes?: string[]; severities?: string[]; orgId?: number | null } = {}) => ({
  id,
  alertTypes: filters.alertTypes ?? [],
  severities: filters.severities ?? [],
  orgId: filters.orgId ?? null,
});

const table = buildRoutingTable(
  [
    webhook('all'),
    webhook('critical', { severities: ['critical'] }),
    webhook('failed-critical', { alertTypes: ['print_failed'], severities: ['critical'] }),
    webhook('warning-up', { severities: ['warning', 'critical'] }),
    webhook('org-critical', { severities: ['critical'], orgId: 7 }),
  ],
  [7],
);
const selected = (alert: { type: string; severity: string; orgId?: number | null }) =>
  selectWebhooksForAlert({ orgId: null, ...alert }, table)
    .map((w) => w.id)
    .sort();

describe('severity filters', () => {
  test('an empty filter takes every severity; a set one only its severities', () => {
    expect(selected({ type: 'print_complete', severity: 'info' })).toEqual(['all']);
    expect(selected({ type: 'spool_low', severity: 'warning' })).toEqual(['all', 'warning-up']);
    expect(selected({ type: 'spaghetti_detected', severity: 'critical' })).toEqual(['all', 'critical', 'warning-up']);
  });

  test('type and severity filters must both pass', () => {
    expect(selected({ type: 'print_failed', severity: 'critical' })).toEqual(['all', 'critical', 'failed-critical', 'warning-up']);
    expect(selected({ type: 'print_failed', severity: 'warning' })).toEqual(['all', 'warning-up']);
  });

  test("an organization's webhooks are filtered the same way", () => {
    expect(selected({ type: 'print_failed', severity: 'critical', orgId: 7 })).toContain('org-critical');
    expect(selected({ type: 'print_failed', severity: 'info', orgId: 7 })).not.toContain('org-critical');
  });

  test('a webhook without a severities field (older callers) takes every severity', () => {
    const legacy = buildRoutingTable([{ id: 'legacy', alertTypes: [], orgId: null }], []);
    expect(selectWebhooksForAlert({ type: 'x', severity: 'info', orgId: null }, legacy)).toHaveLength(1);
  });
});
