import {
  type AlertType,
  type AlertView,
  formatAlertPayload,
  formatDiscordPayload,
  formatGenericPayload,
  formatSlackPayload,
  serializePayload,
  type Severity,
} from '../src';

// The O.D.I.N. type table, written out here rather than read from the code under test:
// type, default severity, Discord colour, and a realistic title and message for the type.
const TYPE_TABLE: Array<[AlertType, Severity, number, string, string]> = [
  ['print_complete', 'info', 65280, 'Print Complete: Benchy (X1C)', 'Job #142 completed on X1C after 1h 23m.'],
  ['job_submitted', 'info', 65280, 'Job Submitted: Bracket v2', 'Ana submitted Bracket v2 for approval.'],
  ['job_approved', 'info', 65280, 'Job Approved: Bracket v2', 'Ben approved Bracket v2.'],
  ['bed_cooled', 'info', 65280, 'Bed Cooled: X1C', 'Bed is at 28 °C, below the 35 °C threshold.'],
  ['spool_low', 'warning', 16753920, 'Spool Low: PLA Black', 'Spool #7 has 42 g left (threshold 100 g).'],
  ['maintenance_overdue', 'warning', 16753920, 'Maintenance Overdue: MK4', 'Nozzle cleaning is 3 days past due.'],
  ['job_rejected', 'warning', 16753920, 'Job Rejected: Vase', 'Ben rejected Vase: wrong material.'],
  ['first_layer_issue', 'warning', 16753920, 'First Layer Issue: X1C', 'Vigil AI flagged the first layer (confidence 0.82).'],
  ['queue_skipped', 'warning', 16753920, 'Queue Skipped: Gear', 'Gear skipped on MK4: nozzle 0.6 required.'],
  ['print_failed', 'critical', 16711680, 'Print Failed: Benchy (X1C)', 'Job #143 failed at 37% on X1C.'],
  ['printer_error', 'critical', 16711680, 'Printer Error: X1C', 'HMS 0300-0100-0001-0007: heatbed temperature abnormal.'],
  ['spaghetti_detected', 'critical', 16711680, 'Spaghetti Detected: MK4', 'Vigil AI paused MK4 (confidence 0.97).'],
  ['detachment_detected', 'critical', 16711680, 'Detachment Detected: P1S', 'Vigil AI saw the part move on P1S.'],
  ['queue_failed_start', 'critical', 16711680, 'Queue Failed Start: Gear', 'Gear could not start on MK4: printer offline.'],
];

// 2025-02-25T10:40:00Z
const OCCURRED_AT_MS = 1_740_480_000_000;

function alertFor(type: AlertType, severity: Severity, title: string, message: string): AlertView {
  return { id: 'a1', type, severity, title, message, printerId: 3, printerName: 'X1C', orgId: null, occurredAtMs: OCCURRED_AT_MS };
}

describe.each(TYPE_TABLE)('%s (%s)', (type, severity, color, title, message) => {
  const alert = alertFor(type, severity, title, message);

  it('generic payload', () => {
    expect(formatAlertPayload('generic', alert)).toStrictEqual({
      type,
      severity,
      title,
      message,
      printer_id: 3,
      printer_name: 'X1C',
      timestamp: 1740480000,
    });
  });

  it('discord payload', () => {
    expect(formatAlertPayload('discord', alert)).toStrictEqual({
      embeds: [{ title, description: message, color, footer: { text: 'O.D.I.N. Alert' }, timestamp: '2025-02-25T10:40:00.000Z' }],
      allowed_mentions: { parse: [] },
    });
  });

  it('slack payload', () => {
    expect(formatAlertPayload('slack', alert)).toStrictEqual({
      text: title,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${message}` } }],
    });
  });
});

describe('payload details', () => {
  const base = alertFor('print_complete', 'info', 'Print Complete: Benchy (X1C)', 'Job #142 completed on X1C after 1h 23m.');

  it('serializes the generic payload with the documented field order', () => {
    expect(serializePayload(formatGenericPayload(base))).toBe(
      '{"type":"print_complete","severity":"info","title":"Print Complete: Benchy (X1C)","message":"Job #142 completed on X1C after 1h 23m.","printer_id":3,"printer_name":"X1C","timestamp":1740480000}',
    );
  });

  it('keeps millisecond precision in the generic timestamp', () => {
    expect(formatGenericPayload({ ...base, occurredAtMs: 1_740_480_000_500 }).timestamp).toBe(1740480000.5);
    expect(serializePayload(formatGenericPayload({ ...base, occurredAtMs: 1_740_480_000_123 }))).toContain('"timestamp":1740480000.123');
  });

  it('sends a null printer name as null', () => {
    expect(formatGenericPayload({ ...base, printerName: null }).printer_name).toBeNull();
  });

  it('colours the Discord embed by the actual severity, not the type default', () => {
    expect(formatDiscordPayload({ ...base, severity: 'critical' }).embeds[0].color).toBe(16711680);
    expect(formatDiscordPayload({ ...alertFor('print_failed', 'info', 't', 'm') }).embeds[0].color).toBe(65280);
    expect(formatDiscordPayload({ ...base, severity: 'warning' }).embeds[0].color).toBe(16753920);
  });

  it('writes the Discord timestamp in UTC with milliseconds', () => {
    expect(formatDiscordPayload({ ...base, occurredAtMs: 1_740_492_000_250 }).embeds[0].timestamp).toBe('2025-02-25T14:00:00.250Z');
  });

  it('dispatches each webhook type to its format', () => {
    expect(formatAlertPayload('discord', base)).toEqual(formatDiscordPayload(base));
    expect(formatAlertPayload('slack', base)).toEqual(formatSlackPayload(base));
    expect(formatAlertPayload('generic', base)).toEqual(formatGenericPayload(base));
  });
});
