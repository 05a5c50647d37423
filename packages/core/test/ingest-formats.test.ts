import fc from 'fast-check';
import { mapIngestBody, stripLeadingEmoji, type IngestContext, type IngestMapping, type IngestSourceKind } from '../src';

const NOW_MS = 1_764_633_600_000;
const context = (query: Record<string, string> = {}, defaultPrinterId: number | null = null): IngestContext => ({
  query,
  defaultPrinterId,
  nowMs: NOW_MS,
});

function alertOf(mapping: IngestMapping) {
  if (mapping.kind !== 'alert') throw new Error(`expected an alert, got ${JSON.stringify(mapping)}`);
  return mapping;
}
function errorsOf(mapping: IngestMapping) {
  if (mapping.kind !== 'rejected') throw new Error(`expected a refusal, got ${JSON.stringify(mapping)}`);
  return mapping.errors;
}

describe('odin bodies', () => {
  test('the documented generic payload maps field for field; extra fields are listed, not refused', () => {
    const mapping = alertOf(
      mapIngestBody(
        'odin',
        {
          type: 'print_complete',
          severity: 'info',
          title: 'Print Complete: Benchy (X1C)',
          message: 'Job #142 completed on X1C after 1h 23m.',
          printer_id: 3,
          printer_name: 'X1C',
          timestamp: 1740480000.0,
          job_id: 142,
        },
        context(),
      ),
    );
    expect(mapping.alert).toEqual({
      type: 'print_complete',
      severity: 'info',
      title: 'Print Complete: Benchy (X1C)',
      message: 'Job #142 completed on X1C after 1h 23m.',
      printerId: 3,
      printerName: 'X1C',
      occurredAtMs: 1740480000000,
      dedupeKey: null,
      data: null,
    });
    expect(mapping.ignoredFields).toEqual(['job_id']);
    expect(mapping.unknownType).toBe(false);
  });

  test('the event body takes its printer from the query; O.D.I.N.\'s "error" severity is critical', () => {
    const mapping = alertOf(
      mapIngestBody('odin', { event: 'printer_error', title: 'HMS error', message: '', severity: 'error' }, context({ printer_id: '9' })),
    );
    expect(mapping.alert).toMatchObject({ type: 'printer_error', severity: 'critical', printerId: 9, message: '', occurredAtMs: NOW_MS });
  });

  test.each([
    ['🔴', 'critical'],
    ['🟡', 'warning'],
    ['🔵', 'info'],
    ['⚠️', 'warning'],
    ['🚨', 'critical'],
    ['ℹ️', 'info'],
  ])('the blocks body: %s before the title is dropped and gives severity %s', (emoji, severity) => {
    const body = {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `${emoji} Spaghetti detected` } },
        { type: 'section', text: { type: 'mrkdwn', text: 'On printer 4' } },
      ],
    };
    const mapping = alertOf(mapIngestBody('odin', body, context({ alert_type: 'spaghetti_detected', printer_id: '4' })));
    expect(mapping.alert).toMatchObject({ type: 'spaghetti_detected', title: 'Spaghetti detected', message: 'On printer 4', severity });
  });

  test('the documented Slack section form and the Discord embed map too', () => {
    const slack = alertOf(
      mapIngestBody(
        'odin',
        { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Print Complete: Benchy*\nDone in 1h' } }] },
        context({}, 3),
      ),
    );
    expect(slack.alert).toMatchObject({ title: 'Print Complete: Benchy', message: 'Done in 1h', printerId: 3, type: 'unknown' });
    const discord = alertOf(
      mapIngestBody(
        'odin',
        { embeds: [{ title: 'Print Failed: Benchy', description: 'clog', color: 16711680 }] },
        context({ printer_id: '3' }),
      ),
    );
    expect(discord.alert).toMatchObject({ title: 'Print Failed: Benchy', message: 'clog', severity: 'critical' });
  });

  test("O.D.I.N.'s test body is a test, whatever else it carries", () => {
    expect(mapIngestBody('odin', { event: 'test', source: 'odin', message: 'Webhook connection successful!' }, context())).toEqual({
      kind: 'test',
    });
  });

  test('an unknown type is kept with its severity, or info', () => {
    const withSeverity = alertOf(
      mapIngestBody('odin', { type: 'resin_low', severity: 'warning', title: 't', message: 'm', printer_id: 1 }, context()),
    );
    expect(withSeverity).toMatchObject({ unknownType: true, alert: { type: 'resin_low', severity: 'warning' } });
    const without = alertOf(mapIngestBody('odin', { event: 'resin_low', title: 't', message: 'm', printer_id: 1 }, context()));
    expect(without.alert.severity).toBe('info');
  });

  test('a body printer id wins over the query, which wins over the default printer', () => {
    const body = { type: 'print_complete', title: 't', message: 'm' };
    expect(alertOf(mapIngestBody('odin', { ...body, printer_id: 5 }, context({ printer_id: '6' }, 7))).alert.printerId).toBe(5);
    expect(alertOf(mapIngestBody('odin', body, context({ printer_id: '6' }, 7))).alert.printerId).toBe(6);
    expect(alertOf(mapIngestBody('odin', body, context({}, 7))).alert.printerId).toBe(7);
    expect(errorsOf(mapIngestBody('odin', body, context()))[0]?.field).toBe('printer_id');
  });

  test('long text is cut to the limits instead of refused; what cannot be mended is refused by name', () => {
    const long = alertOf(
      mapIngestBody('odin', { type: 'print_complete', title: 'T'.repeat(400), message: 'm'.repeat(5000), printer_id: 1 }, context()),
    );
    expect(long.alert.title).toHaveLength(256);
    expect(long.alert.message).toHaveLength(4000);
    expect(errorsOf(mapIngestBody('odin', { type: 'print_complete', message: 'm', printer_id: 1 }, context()))).toEqual([
      { field: 'title', message: 'required: a non-empty title' },
    ]);
    expect(
      errorsOf(mapIngestBody('odin', { type: 'print_complete', title: 't', printer_id: 1, timestamp: 'now' }, context()))[0]?.field,
    ).toBe('timestamp');
    expect(errorsOf(mapIngestBody('odin', 'text', context()))).toEqual([{ field: 'body', message: 'expected a JSON object, got string' }]);
    expect(errorsOf(mapIngestBody('odin', { title: 't', printer_id: 1 }, context({ alert_type: 'nope' })))[0]?.field).toBe(
      'query.alert_type',
    );
  });
});

describe('apprise bodies', () => {
  const apprise = (type: string, title = 'Print done') => ({ version: '1.0', title, message: 'Benchy finished', type, attachments: [] });

  test.each([
    ['failure', 'critical'],
    ['warning', 'warning'],
    ['info', 'info'],
    ['success', 'info'],
  ])('without an alert type, Apprise type %s is severity %s', (type, severity) => {
    expect(alertOf(mapIngestBody('apprise', apprise(type), context({ printer_id: '2' }))).alert).toMatchObject({
      severity,
      type: 'unknown',
    });
  });

  test("the URL's alert type and printer win, with the type's own severity", () => {
    const mapping = alertOf(mapIngestBody('apprise', apprise('success'), context({ alert_type: 'print_failed', printer_id: '3' })));
    expect(mapping.alert).toMatchObject({ type: 'print_failed', severity: 'critical', printerId: 3, title: 'Print done' });
    expect(mapping.unknownType).toBe(false);
  });

  test('a notification without a title takes the first line of its message', () => {
    expect(alertOf(mapIngestBody('apprise', { ...apprise('info', ''), message: 'Line one\nLine two' }, context({}, 1))).alert.title).toBe(
      'Line one',
    );
  });
});

describe('herald bodies', () => {
  test('strict as POST /v1/alerts, with the query filling type and printer', () => {
    expect(
      alertOf(mapIngestBody('herald', { title: 't', message: 'm' }, context({ alert_type: 'bed_cooled', printer_id: '4' }))).alert,
    ).toMatchObject({
      type: 'bed_cooled',
      printerId: 4,
    });
    expect(
      errorsOf(mapIngestBody('herald', { type: 'bed_cooled', title: 't', message: 'm', printer_id: 4, extra: 1 }, context()))[0]?.field,
    ).toBe('extra');
  });
});

test('stripLeadingEmoji keeps titles that start with digits or letters', () => {
  expect(stripLeadingEmoji('3D print failed')).toBe('3D print failed');
  expect(stripLeadingEmoji('#12 done')).toBe('#12 done');
  expect(stripLeadingEmoji('🖨️ 🔴 Print failed')).toBe('Print failed');
});

test('any JSON body maps to an alert, a test or a refusal naming fields — never an exception', () => {
  const kinds: IngestSourceKind[] = ['odin', 'apprise', 'herald'];
  fc.assert(
    fc.property(
      fc.constantFrom(...kinds),
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom('alert_type', 'printer_id', 'severity', 'x'), fc.string()),
      (kind, body, query) => {
        const mapping = mapIngestBody(kind, body, context(query));
        if (mapping.kind === 'rejected') expect(mapping.errors.length).toBeGreaterThan(0);
        if (mapping.kind === 'alert') {
          expect(mapping.alert.title.length).toBeGreaterThan(0);
          expect(mapping.alert.printerId).toBeGreaterThanOrEqual(1);
        }
      },
    ),
    { numRuns: 500 },
  );
});
