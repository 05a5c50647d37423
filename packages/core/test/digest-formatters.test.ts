import { ALERT_TYPES, type AlertType, type AlertView, type Severity } from '../src/alerts/alert-types';
import {
  formatDigestPayload,
  formatDiscordDigest,
  formatGenericDigest,
  formatSlackDigest,
  type DigestView,
  type DiscordDigestEmbed,
} from '../src/formatters/digest';

const WINDOW_START = Date.parse('2026-05-10T20:00:00Z'); // 22:00 CEST
const WINDOW_END = Date.parse('2026-05-11T05:00:00Z'); // 07:00 CEST
const LABEL = '22:00\u201307:00 Europe/Berlin';

function alertView(overrides: Partial<AlertView> & { id: string; type: AlertType; severity: Severity; occurredAtMs: number }): AlertView {
  return { title: 'Alert', message: 'Something happened.', printerId: 1, printerName: 'P1', orgId: 4, ...overrides };
}

const benchy = alertView({
  id: 'a1',
  type: 'print_complete',
  severity: 'info',
  title: 'Print Complete: Benchy (X1C)',
  printerId: 3,
  printerName: 'X1C',
  occurredAtMs: Date.parse('2026-05-10T21:14:00Z'), // 23:14 local
});
const bracket = alertView({
  id: 'a2',
  type: 'print_failed',
  severity: 'critical',
  title: 'Print Failed: Bracket (MK4)',
  printerId: 5,
  printerName: 'MK4',
  occurredAtMs: Date.parse('2026-05-11T01:05:30.250Z'), // 03:05 local
});
const spool = alertView({
  id: 'a3',
  type: 'spool_low',
  severity: 'warning',
  title: 'Spool Low: PLA Black',
  printerId: 3,
  printerName: 'X1C',
  occurredAtMs: Date.parse('2026-05-11T03:40:00Z'), // 05:40 local
});
const vase = alertView({
  id: 'a4',
  type: 'print_complete',
  severity: 'info',
  title: 'Print Complete: Vase (MK4)',
  printerId: 5,
  printerName: null,
  occurredAtMs: Date.parse('2026-05-11T04:00:00Z'), // 06:00 local
});

function digest(alerts: AlertView[], overrides: Partial<DigestView> = {}): DigestView {
  return {
    scope: 'organization',
    orgId: 4,
    windowStartMs: WINDOW_START,
    windowEndMs: WINDOW_END,
    timezone: 'Europe/Berlin',
    windowLabel: LABEL,
    alerts,
    ...overrides,
  };
}

const SMALL = digest([benchy, bracket, spool, vase]);

/** Alerts of every type, severity following the type, each with a long title full of markdown. */
function manyAlerts(count: number): AlertView[] {
  const types = ALERT_TYPES;
  const severities: Severity[] = ['info', 'warning', 'critical'];
  return Array.from({ length: count }, (_, i) =>
    alertView({
      id: `bulk-${String(i).padStart(4, '0')}`,
      type: types[i % types.length]!,
      severity: severities[i % 3]!,
      title: `Alert ${i} ` + '*_~`<>&|'.repeat(150),
      printerId: i,
      printerName: `Printer ${i} `.padEnd(120, '_'),
      occurredAtMs: WINDOW_START + i * 60_000,
    }),
  );
}

function embedLength(embed: DiscordDigestEmbed): number {
  return (
    embed.title.length +
    embed.description.length +
    embed.footer.text.length +
    embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

describe('generic digest', () => {
  it('matches the documented payload exactly for a small organization digest', () => {
    const payload = formatGenericDigest(SMALL);
    expect(payload).toEqual({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: 4,
      window_start: WINDOW_START / 1000,
      window_end: WINDOW_END / 1000,
      alert_count: 4,
      counts_by_type: { print_complete: 2, spool_low: 1, print_failed: 1 },
      counts_by_severity: { critical: 1, warning: 1, info: 2 },
      alerts: [
        {
          id: 'a2',
          type: 'print_failed',
          severity: 'critical',
          title: 'Print Failed: Bracket (MK4)',
          printer_id: 5,
          printer_name: 'MK4',
          timestamp: 1778461530.25,
        },
        {
          id: 'a3',
          type: 'spool_low',
          severity: 'warning',
          title: 'Spool Low: PLA Black',
          printer_id: 3,
          printer_name: 'X1C',
          timestamp: 1778470800,
        },
        {
          id: 'a4',
          type: 'print_complete',
          severity: 'info',
          title: 'Print Complete: Vase (MK4)',
          printer_id: 5,
          printer_name: null,
          timestamp: 1778472000,
        },
        {
          id: 'a1',
          type: 'print_complete',
          severity: 'info',
          title: 'Print Complete: Benchy (X1C)',
          printer_id: 3,
          printer_name: 'X1C',
          timestamp: 1778447640,
        },
      ],
      truncated: false,
    });
    expect(Object.keys(payload)).toEqual([
      'type',
      'scope',
      'org_id',
      'window_start',
      'window_end',
      'alert_count',
      'counts_by_type',
      'counts_by_severity',
      'alerts',
      'truncated',
    ]);
    expect(Object.keys(payload.alerts[0]!)).toEqual(['id', 'type', 'severity', 'title', 'printer_id', 'printer_name', 'timestamp']);
  });

  it('leaves org_id out of a system digest', () => {
    const payload = formatGenericDigest(digest([benchy], { scope: 'system', orgId: null }));
    expect(payload.scope).toBe('system');
    expect(payload).not.toHaveProperty('org_id');
  });

  it('lists at most 50 alerts, newest critical first, and says it truncated', () => {
    const alerts = manyAlerts(120);
    const payload = formatGenericDigest(digest(alerts));
    expect(payload.alert_count).toBe(120);
    expect(payload.truncated).toBe(true);
    expect(payload.alerts).toHaveLength(50);
    expect(payload.counts_by_severity).toEqual({ critical: 40, warning: 40, info: 40 });
    expect(Object.values(payload.counts_by_type).reduce((a, b) => a + b, 0)).toBe(120);
    expect(payload.alerts.slice(0, 40).every((a) => a.severity === 'critical')).toBe(true);
    expect(payload.alerts.slice(40).every((a) => a.severity === 'warning')).toBe(true);
    expect(payload.alerts[0]!.id).toBe('bulk-0119'); // the newest critical
    const timestamps = payload.alerts.slice(0, 40).map((a) => a.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
  });

  it('does not call exactly 50 alerts truncated', () => {
    const payload = formatGenericDigest(digest(manyAlerts(50)));
    expect(payload.alerts).toHaveLength(50);
    expect(payload.truncated).toBe(false);
  });

  it('has an all-quiet form', () => {
    expect(formatGenericDigest(digest([], { scope: 'system', orgId: null }))).toEqual({
      type: 'quiet_hours_digest',
      scope: 'system',
      window_start: WINDOW_START / 1000,
      window_end: WINDOW_END / 1000,
      alert_count: 0,
      counts_by_type: {},
      counts_by_severity: { critical: 0, warning: 0, info: 0 },
      alerts: [],
      truncated: false,
    });
  });
});

describe('discord digest', () => {
  it('matches exactly for a small digest', () => {
    expect(formatDiscordDigest(SMALL)).toEqual({
      embeds: [
        {
          title: `Quiet hours digest: 4 alerts (${LABEL})`,
          description: [
            '\u{1F534} 03:05 **Print Failed: Bracket (MK4)** \u2014 MK4',
            '\u{1F7E0} 05:40 **Spool Low: PLA Black** \u2014 X1C',
            '\u{1F7E2} 06:00 **Print Complete: Vase (MK4)** \u2014 printer 5',
            '\u{1F7E2} 23:14 **Print Complete: Benchy (X1C)** \u2014 X1C',
          ].join('\n'),
          color: 16711680,
          fields: [
            { name: 'Print complete', value: '2', inline: true },
            { name: 'Spool low', value: '1', inline: true },
            { name: 'Print failed', value: '1', inline: true },
          ],
          footer: { text: 'O.D.I.N. Alert' },
          timestamp: '2026-05-11T05:00:00.000Z',
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('says "1 alert" and colours by the worst severity present', () => {
    const [embed] = formatDiscordDigest(digest([spool])).embeds;
    expect(embed.title).toBe(`Quiet hours digest: 1 alert (${LABEL})`);
    expect(embed.color).toBe(16753920);
    expect(formatDiscordDigest(digest([benchy])).embeds[0].color).toBe(65280);
  });

  it('escapes markdown and mentions in alert text', () => {
    const sneaky = alertView({
      id: 'x',
      type: 'printer_error',
      severity: 'critical',
      title: '**HMS** <@123> [click](https://evil.example) ||spoiler||\nsecond line',
      printerName: 'my_printer',
      occurredAtMs: WINDOW_START,
    });
    expect(formatDiscordDigest(digest([sneaky])).embeds[0].description).toBe(
      '\u{1F534} 22:00 **\\*\\*HMS\\*\\* \\<@123> \\[click\\](https://evil.example) \\|\\|spoiler\\|\\| second line** \u2014 my_printer',
    );
  });

  it('stays within Discord limits with 500 long alerts', () => {
    const longLabel = `${LABEL} ${'x'.repeat(300)}`;
    const [embed] = formatDiscordDigest(digest(manyAlerts(500), { windowLabel: longLabel })).embeds;
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.title.startsWith('Quiet hours digest: 500 alerts (')).toBe(true);
    expect(embed.title.endsWith('\u2026')).toBe(true);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
    expect(embed.fields).toHaveLength(14);
    expect(embed.fields.every((f) => f.inline)).toBe(true);
    expect(embed.fields.reduce((sum, f) => sum + Number(f.value), 0)).toBe(500);

    const lines = embed.description.split('\n');
    const listed = lines.length - 1;
    expect(listed).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe(`\u2026and ${500 - listed} more`);
    expect(lines.slice(0, listed).every((line) => line.startsWith('\u{1F534}'))).toBe(true);
  });

  it('has an all-quiet form', () => {
    expect(formatDiscordDigest(digest([])).embeds[0]).toEqual({
      title: `Quiet hours digest: all quiet (${LABEL})`,
      description: 'No alerts were held during quiet hours.',
      color: 65280,
      fields: [],
      footer: { text: 'O.D.I.N. Alert' },
      timestamp: '2026-05-11T05:00:00.000Z',
    });
  });
});

describe('slack digest', () => {
  it('matches exactly for a small digest', () => {
    expect(formatSlackDigest(SMALL)).toEqual({
      text: `Quiet hours digest: 4 alerts (${LABEL}): 1 critical, 1 warning, 2 info`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Quiet hours digest: 4 alerts (${LABEL})` } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Print complete*\n2' },
            { type: 'mrkdwn', text: '*Spool low*\n1' },
            { type: 'mrkdwn', text: '*Print failed*\n1' },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              '\u{1F534} 03:05 *Print Failed: Bracket (MK4)* \u2014 MK4',
              '\u{1F7E0} 05:40 *Spool Low: PLA Black* \u2014 X1C',
              '\u{1F7E2} 06:00 *Print Complete: Vase (MK4)* \u2014 printer 5',
              '\u{1F7E2} 23:14 *Print Complete: Benchy (X1C)* \u2014 X1C',
            ].join('\n'),
          },
        },
      ],
    });
  });

  it('escapes entities and neutralises formatting characters in alert text', () => {
    const sneaky = alertView({
      id: 'x',
      type: 'printer_error',
      severity: 'critical',
      title: '<!channel> *urgent* & _x_ ~y~ `z`\nsecond line',
      printerName: 'a<b>',
      occurredAtMs: WINDOW_START,
    });
    const payload = formatSlackDigest(digest([sneaky]));
    const section = payload.blocks[2];
    expect(section).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '\u{1F534} 22:00 *&lt;!channel&gt; \uFF0Aurgent\uFF0A &amp; \uFF3Fx\uFF3F \uFF5Ey\uFF5E \uFF40z\uFF40 second line* \u2014 a&lt;b&gt;',
      },
    });
    expect(payload.text).toBe(`Quiet hours digest: 1 alert (${LABEL}): 1 critical`);
  });

  it('keeps the zone name intact in the fallback text', () => {
    const payload = formatSlackDigest(digest([spool], { timezone: 'America/New_York', windowLabel: '22:00\u201307:00 America/New_York' }));
    expect(payload.text).toBe('Quiet hours digest: 1 alert (22:00\u201307:00 America/New_York): 1 warning');
  });

  it('stays within Block Kit limits with 500 long alerts', () => {
    const longLabel = `${LABEL} ${'x'.repeat(300)}`;
    const payload = formatSlackDigest(digest(manyAlerts(500), { windowLabel: longLabel }));
    const [header, counts, top] = payload.blocks;
    if (header?.type !== 'header' || !counts || !('fields' in counts) || !top || !('text' in top)) {
      throw new Error('unexpected block layout');
    }
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(counts.fields).toHaveLength(10);
    expect(counts.fields.at(-1)!.text).toMatch(/^\*Other types\*\n\d+$/);
    expect(counts.fields.reduce((sum, f) => sum + Number(f.text.split('\n')[1]), 0)).toBe(500);
    expect(top.text.text.length).toBeLessThanOrEqual(3000);
    const lines = top.text.text.split('\n');
    expect(lines.at(-1)).toBe(`\u2026and ${500 - (lines.length - 1)} more`);
  });

  it('has an all-quiet form', () => {
    expect(formatSlackDigest(digest([]))).toEqual({
      text: `Quiet hours digest: all quiet (${LABEL})`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Quiet hours digest: all quiet (${LABEL})` } },
        { type: 'section', text: { type: 'mrkdwn', text: 'No alerts were held during quiet hours.' } },
      ],
    });
  });
});

describe('formatDigestPayload', () => {
  it('picks the format by webhook type', () => {
    expect(formatDigestPayload('generic', SMALL)).toEqual(formatGenericDigest(SMALL));
    expect(formatDigestPayload('discord', SMALL)).toEqual(formatDiscordDigest(SMALL));
    expect(formatDigestPayload('slack', SMALL)).toEqual(formatSlackDigest(SMALL));
  });
});
