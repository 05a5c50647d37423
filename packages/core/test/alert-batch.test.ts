import { parseAlertBatch, parseAlertInput, type FieldError } from '../src';

const NOW_MS = 1_740_480_000_000;
const item = (n: number) => ({ type: 'spool_low', title: `Spool low #${n}`, message: '', printer_id: n });

function batchErrors(input: unknown): FieldError[] {
  const result = parseAlertBatch(input, { nowMs: NOW_MS });
  if (result.ok) throw new Error('expected validation errors');
  return result.errors;
}

describe('parseAlertBatch', () => {
  it('parses every alert, in order', () => {
    const result = parseAlertBatch(
      { alerts: [item(1), { ...item(2), severity: 'critical', timestamp: 1_700_000_000 }] },
      { nowMs: NOW_MS },
    );
    expect(result).toEqual({
      ok: true,
      alerts: [
        {
          type: 'spool_low',
          severity: 'warning',
          title: 'Spool low #1',
          message: '',
          printerId: 1,
          printerName: null,
          occurredAtMs: NOW_MS,
          dedupeKey: null,
          data: null,
        },
        {
          type: 'spool_low',
          severity: 'critical',
          title: 'Spool low #2',
          message: '',
          printerId: 2,
          printerName: null,
          occurredAtMs: 1_700_000_000_000,
          dedupeKey: null,
          data: null,
        },
      ],
    });
  });

  it('accepts exactly 1000 alerts', () => {
    const result = parseAlertBatch({ alerts: Array.from({ length: 1000 }, (_, i) => item(i + 1)) }, { nowMs: NOW_MS });
    expect(result.ok && result.alerts.length).toBe(1000);
  });

  it('rejects the whole batch when one item is bad, naming its index and field', () => {
    expect(batchErrors({ alerts: [item(1), item(2), item(3), { ...item(4), title: '', printer_id: '4' }] })).toEqual([
      { field: 'alerts.3.title', message: 'must not be empty' },
      { field: 'alerts.3.printer_id', message: 'expected integer, got string' },
    ]);
  });

  it('reports errors from several items', () => {
    expect(batchErrors({ alerts: [{ ...item(1), type: 'nope' }, item(2), { ...item(3), severity: 'loud', extra: 1 }] })).toEqual([
      { field: 'alerts.0.type', message: expect.stringMatching(/^must be one of print_complete, /) },
      { field: 'alerts.2.severity', message: 'must be one of info, warning, critical' },
      {
        field: 'alerts.2.extra',
        message: 'unknown field (allowed: type, severity, title, message, printer_id, printer_name, timestamp, dedupe_key, data)',
      },
    ]);
  });

  it('names an item that is not an object by its index', () => {
    expect(batchErrors({ alerts: [item(1), 'oops', null] })).toEqual([
      { field: 'alerts.1', message: 'expected object, got string' },
      { field: 'alerts.2', message: 'expected object, got null' },
    ]);
  });

  it('reports a missing field of an item as required', () => {
    const { printer_id: _omitted, ...withoutPrinter } = item(1);
    expect(batchErrors({ alerts: [withoutPrinter] })).toEqual([{ field: 'alerts.0.printer_id', message: 'required' }]);
  });

  it.each<[string, unknown, FieldError[]]>([
    ['an empty batch', { alerts: [] }, [{ field: 'alerts', message: 'must contain at least 1 item' }]],
    ['a missing alerts field', {}, [{ field: 'alerts', message: 'required' }]],
    ['alerts that is not an array', { alerts: item(1) }, [{ field: 'alerts', message: 'expected array, got object' }]],
    ['a bare array', [item(1)], [{ field: 'body', message: 'expected object, got array' }]],
    ['null', null, [{ field: 'body', message: 'expected object, got null' }]],
    [
      'an unknown top-level field',
      { alerts: [item(1)], dry_run: true },
      [{ field: 'dry_run', message: 'unknown field (allowed: alerts)' }],
    ],
  ])('rejects %s', (_name, input, expected) => {
    expect(batchErrors(input)).toEqual(expected);
  });

  it('rejects more than 1000 alerts with one error, without listing the items', () => {
    const alerts = Array.from({ length: 1001 }, () => ({ bogus: true }));
    expect(batchErrors({ alerts })).toEqual([{ field: 'alerts', message: 'must contain at most 1000 items, got 1001' }]);
  });
});

describe('parseAlertInput with fields left out entirely', () => {
  it('says "required" for each missing required field', () => {
    const result = parseAlertInput({}, { nowMs: NOW_MS });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'type', message: 'required' },
        { field: 'title', message: 'required' },
        { field: 'message', message: 'required' },
        { field: 'printer_id', message: 'required' },
      ],
    });
  });
});
