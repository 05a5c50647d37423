import { parseAlertInput, type FieldError, type NormalizedAlertInput } from '../src';

const NOW_MS = 1_740_480_000_000;
const valid = {
  type: 'print_complete',
  title: 'Print Complete: Benchy (X1C)',
  message: 'Job #142 completed on X1C after 1h 23m.',
  printer_id: 3,
};

function parseOk(input: unknown): NormalizedAlertInput {
  const result = parseAlertInput(input, { nowMs: NOW_MS });
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.alert;
}

function parseErrors(input: unknown): FieldError[] {
  const result = parseAlertInput(input, { nowMs: NOW_MS });
  if (result.ok) throw new Error('expected validation errors');
  return result.errors;
}

const ALL_TYPES =
  'print_complete, job_submitted, job_approved, bed_cooled, spool_low, maintenance_overdue, job_rejected, ' +
  'first_layer_issue, queue_skipped, print_failed, printer_error, spaghetti_detected, detachment_detected, queue_failed_start';

describe('parseAlertInput: accepted input', () => {
  it('normalizes a minimal alert to camelCase with defaults', () => {
    expect(parseOk(valid)).toEqual({
      type: 'print_complete',
      severity: 'info',
      title: 'Print Complete: Benchy (X1C)',
      message: 'Job #142 completed on X1C after 1h 23m.',
      printerId: 3,
      printerName: null,
      occurredAtMs: NOW_MS,
      dedupeKey: null,
      data: null,
    });
  });

  it.each([
    ['print_complete', 'info'],
    ['bed_cooled', 'info'],
    ['spool_low', 'warning'],
    ['queue_skipped', 'warning'],
    ['print_failed', 'critical'],
    ['queue_failed_start', 'critical'],
  ])('defaults the severity of %s to %s', (type, severity) => {
    expect(parseOk({ ...valid, type }).severity).toBe(severity);
  });

  it('keeps an explicit severity over the type default', () => {
    expect(parseOk({ ...valid, type: 'print_complete', severity: 'critical' }).severity).toBe('critical');
  });

  it('takes every optional field', () => {
    const alert = parseOk({
      ...valid,
      severity: 'warning',
      printer_name: 'X1C',
      timestamp: 1_700_000_000.25,
      dedupe_key: 'job-142-complete',
      data: { job_id: 142, tags: ['a', 'b'], nested: { ok: true } },
    });
    expect(alert).toMatchObject({
      severity: 'warning',
      printerName: 'X1C',
      occurredAtMs: 1_700_000_000_250,
      dedupeKey: 'job-142-complete',
      data: { job_id: 142, tags: ['a', 'b'], nested: { ok: true } },
    });
  });

  it('keeps fractional seconds to the millisecond', () => {
    expect(parseOk({ ...valid, timestamp: 1740480000.5 }).occurredAtMs).toBe(1_740_480_000_500);
    expect(parseOk({ ...valid, timestamp: 1740480000.123 }).occurredAtMs).toBe(1_740_480_000_123);
  });

  it('treats null optional fields as not given', () => {
    const alert = parseOk({ ...valid, severity: null, printer_name: null, timestamp: null, dedupe_key: null, data: null });
    expect(alert).toMatchObject({ severity: 'info', printerName: null, occurredAtMs: NOW_MS, dedupeKey: null, data: null });
  });

  it('accepts the bounds of every limited field', () => {
    const alert = parseOk({
      ...valid,
      title: 't'.repeat(256),
      message: 'm'.repeat(4000),
      printer_id: 2_147_483_647,
      printer_name: 'p'.repeat(128),
      timestamp: 0,
      dedupe_key: 'k'.repeat(200),
    });
    expect([alert.title.length, alert.message.length, alert.printerName?.length, alert.dedupeKey?.length]).toEqual([256, 4000, 128, 200]);
    expect(alert.occurredAtMs).toBe(0);
    expect(parseOk({ ...valid, timestamp: 4_102_444_800 }).occurredAtMs).toBe(4_102_444_800_000);
    expect(parseOk({ ...valid, message: '' }).message).toBe('');
  });

  it('accepts data nested exactly 8 levels and up to 16 KiB', () => {
    const eightDeep = { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } };
    expect(parseOk({ ...valid, data: eightDeep }).data).toEqual(eightDeep);
    const exactly16k = { k: 'x'.repeat(16 * 1024 - '{"k":""}'.length) };
    expect(JSON.stringify(exactly16k).length).toBe(16 * 1024);
    expect(parseOk({ ...valid, data: exactly16k }).data).toEqual(exactly16k);
  });
});

describe('parseAlertInput: control characters', () => {
  it('strips C0 and C1 controls from the title and turns line breaks and tabs into spaces', () => {
    expect(parseOk({ ...valid, title: '\u0007Print\r\nfailed\u0000 on\tX1C\u0085\u009b\u007f' }).title).toBe('Print failed on X1C');
  });

  it('trims the title after stripping', () => {
    expect(parseOk({ ...valid, title: ' \u0000  Spool low \n' }).title).toBe('Spool low');
  });

  it('keeps newlines and tabs in the message but removes other controls and carriage returns', () => {
    expect(parseOk({ ...valid, message: 'line 1\r\nline 2\n\tindented\u0000\u001b[31m red\u0085' }).message).toBe(
      'line 1\nline 2\n\tindented[31m red',
    );
  });

  it('strips controls from the printer name and treats an empty result as no name', () => {
    expect(parseOk({ ...valid, printer_name: 'X1C\u0000\u009f' }).printerName).toBe('X1C');
    expect(parseOk({ ...valid, printer_name: '\u0000\u0001 ' }).printerName).toBeNull();
  });

  it('rejects a title that is empty once controls and whitespace are gone', () => {
    expect(parseErrors({ ...valid, title: ' \u0000\u0007\n ' })).toEqual([{ field: 'title', message: 'must not be empty' }]);
  });

  it('checks the length after stripping', () => {
    expect(parseOk({ ...valid, title: `${'t'.repeat(256)}\u0000\u0000` }).title).toHaveLength(256);
  });
});

describe('parseAlertInput: errors per field', () => {
  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['missing type', { type: undefined }, [{ field: 'type', message: 'required' }]],
    ['unknown type', { type: 'print_exploded' }, [{ field: 'type', message: `must be one of ${ALL_TYPES}` }]],
    ['numeric type', { type: 7 }, [{ field: 'type', message: `must be one of ${ALL_TYPES}` }]],
    ['unknown severity', { severity: 'fatal' }, [{ field: 'severity', message: 'must be one of info, warning, critical' }]],
    ['missing title', { title: undefined }, [{ field: 'title', message: 'required' }]],
    ['numeric title', { title: 42 }, [{ field: 'title', message: 'expected string, got number' }]],
    ['empty title', { title: '   ' }, [{ field: 'title', message: 'must not be empty' }]],
    ['long title', { title: 't'.repeat(257) }, [{ field: 'title', message: 'must be at most 256 characters' }]],
    ['missing message', { message: undefined }, [{ field: 'message', message: 'required' }]],
    ['null message', { message: null }, [{ field: 'message', message: 'expected string, got null' }]],
    ['long message', { message: 'm'.repeat(4001) }, [{ field: 'message', message: 'must be at most 4000 characters' }]],
    ['missing printer_id', { printer_id: undefined }, [{ field: 'printer_id', message: 'required' }]],
    ['string printer_id', { printer_id: '3' }, [{ field: 'printer_id', message: 'expected integer, got string' }]],
    ['fractional printer_id', { printer_id: 3.5 }, [{ field: 'printer_id', message: 'expected integer, got 3.5' }]],
    ['zero printer_id', { printer_id: 0 }, [{ field: 'printer_id', message: 'must be a positive integer' }]],
    ['negative printer_id', { printer_id: -4 }, [{ field: 'printer_id', message: 'must be a positive integer' }]],
    ['huge printer_id', { printer_id: 2_147_483_648 }, [{ field: 'printer_id', message: 'must be at most 2147483647' }]],
    ['numeric printer_name', { printer_name: 12 }, [{ field: 'printer_name', message: 'expected string, got number' }]],
    ['long printer_name', { printer_name: 'p'.repeat(129) }, [{ field: 'printer_name', message: 'must be at most 128 characters' }]],
    ['string timestamp', { timestamp: '1740480000' }, [{ field: 'timestamp', message: 'expected epoch seconds as a number, got string' }]],
    [
      'negative timestamp',
      { timestamp: -1 },
      [{ field: 'timestamp', message: 'must be epoch seconds between 0 (1970-01-01) and 4102444800 (2100-01-01)' }],
    ],
    [
      'timestamp after 2100',
      { timestamp: 4_102_444_801 },
      [{ field: 'timestamp', message: 'must be epoch seconds between 0 (1970-01-01) and 4102444800 (2100-01-01)' }],
    ],
    [
      'timestamp in milliseconds',
      { timestamp: 1_740_480_000_000 },
      [
        {
          field: 'timestamp',
          message: 'must be epoch seconds between 0 (1970-01-01) and 4102444800 (2100-01-01) (this looks like milliseconds)',
        },
      ],
    ],
    ['infinite timestamp', { timestamp: Infinity }, [{ field: 'timestamp', message: 'expected epoch seconds as a number, got Infinity' }]],
    ['NaN timestamp', { timestamp: NaN }, [{ field: 'timestamp', message: 'expected epoch seconds as a number, got NaN' }]],
    ['empty dedupe_key', { dedupe_key: '' }, [{ field: 'dedupe_key', message: 'must not be empty' }]],
    ['long dedupe_key', { dedupe_key: 'k'.repeat(201) }, [{ field: 'dedupe_key', message: 'must be at most 200 characters' }]],
    ['numeric dedupe_key', { dedupe_key: 5 }, [{ field: 'dedupe_key', message: 'expected string, got number' }]],
    ['array data', { data: [1, 2] }, [{ field: 'data', message: 'expected object, got array' }]],
    ['string data', { data: 'x' }, [{ field: 'data', message: 'expected object, got string' }]],
    [
      'data nested 9 levels',
      { data: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
      [{ field: 'data', message: 'must be nested at most 8 levels deep' }],
    ],
    [
      'arrays count as nesting in data',
      { data: { a: [[[[[[[[1]]]]]]]] } },
      [{ field: 'data', message: 'must be nested at most 8 levels deep' }],
    ],
    [
      'data over 16 KiB',
      { data: { k: 'x'.repeat(16 * 1024) } },
      [{ field: 'data', message: `must be at most 16384 bytes as JSON, got ${16 * 1024 + 8}` }],
    ],
    [
      'data over 16 KiB in UTF-8 bytes',
      { data: { k: 'é'.repeat(8200) } },
      [{ field: 'data', message: `must be at most 16384 bytes as JSON, got ${16400 + 8}` }],
    ],
    ['non-JSON data', { data: { when: new Date(0) } }, [{ field: 'data', message: 'must contain only JSON values' }]],
    ['non-finite number in data', { data: { x: Infinity } }, [{ field: 'data', message: 'must contain only finite numbers' }]],
  ])('%s', (_name, change, expected) => {
    expect(parseErrors({ ...valid, ...change })).toEqual(expected);
  });

  it('does not overflow the stack on absurdly deep data', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i += 1) deep = { d: deep };
    expect(parseErrors({ ...valid, data: deep })).toEqual([{ field: 'data', message: 'must be nested at most 8 levels deep' }]);
  });

  it('reports every bad field at once, one error per field', () => {
    expect(parseErrors({ type: 'nope', title: '', message: 3, printer_id: 'x', timestamp: -5 })).toEqual([
      { field: 'type', message: `must be one of ${ALL_TYPES}` },
      { field: 'title', message: 'must not be empty' },
      { field: 'message', message: 'expected string, got number' },
      { field: 'printer_id', message: 'expected integer, got string' },
      { field: 'timestamp', message: 'must be epoch seconds between 0 (1970-01-01) and 4102444800 (2100-01-01)' },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'expected object, got null'],
    ['an array', [valid], 'expected object, got array'],
    ['a string', 'alert', 'expected object, got string'],
    ['undefined', undefined, 'required'],
  ])('rejects %s as the whole input', (_name, input, message) => {
    expect(parseErrors(input)).toEqual([{ field: 'body', message }]);
  });
});

describe('parseAlertInput: unknown fields', () => {
  const allowed = 'unknown field (allowed: type, severity, title, message, printer_id, printer_name, timestamp, dedupe_key, data)';

  it('rejects each unknown top-level field by name', () => {
    expect(parseErrors({ ...valid, titel: 'x', printerId: 3 })).toEqual([
      { field: 'titel', message: allowed },
      { field: 'printerId', message: allowed },
    ]);
  });

  it('reports unknown fields together with other errors', () => {
    expect(parseErrors({ ...valid, printer_id: undefined, extra: true })).toEqual([
      { field: 'printer_id', message: 'required' },
      { field: 'extra', message: allowed },
    ]);
  });

  it('allows any keys inside data', () => {
    expect(parseOk({ ...valid, data: { anything: 1, titel: 'x' } }).data).toEqual({ anything: 1, titel: 'x' });
  });
});
