import { type AlertView, buildTestAlert, formatAlertPayload, formatDiscordPayload, formatSlackPayload, truncateText } from '../src';

const base: AlertView = {
  id: 'a1',
  type: 'printer_error',
  severity: 'critical',
  title: 'Printer Error: X1C',
  message: 'HMS error',
  printerId: 3,
  printerName: 'X1C',
  orgId: 7,
  occurredAtMs: 1_740_480_000_000,
};
const EMOJI = '\u{1F525}'; // 🔥, two UTF-16 units

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('truncateText', () => {
  it('leaves text within the limit alone', () => {
    expect(truncateText('abc', 3)).toBe('abc');
  });

  it('cuts to the limit, ending with an ellipsis', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateText(`ab${EMOJI}cd`, 4);
    expect(cut).toBe('ab…');
    expect(isWellFormed(cut)).toBe(true);
    expect(truncateText(`ab${EMOJI}cd`, 5)).toBe(`ab${EMOJI}…`);
  });
});

describe('Discord limits', () => {
  it('keeps a 256-character title and a 4096-character description whole', () => {
    const embed = formatDiscordPayload({ ...base, title: 't'.repeat(256), message: 'm'.repeat(4096) }).embeds[0];
    expect(embed.title).toBe('t'.repeat(256));
    expect(embed.description).toBe('m'.repeat(4096));
  });

  it('cuts the title to 256 and the description to 4096 characters with an ellipsis', () => {
    const embed = formatDiscordPayload({ ...base, title: 't'.repeat(300), message: 'm'.repeat(5000) }).embeds[0];
    expect(embed.title).toBe(`${'t'.repeat(255)}…`);
    expect(embed.description).toBe(`${'m'.repeat(4095)}…`);
  });

  it('cuts emoji-heavy text at a code point boundary within the limit', () => {
    const embed = formatDiscordPayload({ ...base, title: EMOJI.repeat(200), message: EMOJI.repeat(3000) }).embeds[0];
    expect(embed.title).toBe(`${EMOJI.repeat(127)}…`);
    expect(embed.description).toBe(`${EMOJI.repeat(2047)}…`);
    expect(isWellFormed(embed.title) && isWellFormed(embed.description ?? '')).toBe(true);
  });

  it('stays within the 6000-character embed total at the largest sizes', () => {
    const embed = formatDiscordPayload({ ...base, title: 'x'.repeat(10_000), message: 'y'.repeat(10_000) }).embeds[0];
    expect(embed.title.length + (embed.description ?? '').length + embed.footer.text.length).toBeLessThanOrEqual(6000);
  });
});

describe('Slack limits', () => {
  const sectionText = (alert: AlertView) => formatSlackPayload(alert).blocks[0].text.text;

  it('keeps a section of exactly 3000 characters whole', () => {
    const title = 't'.repeat(10);
    const message = 'm'.repeat(3000 - 13);
    expect(sectionText({ ...base, title, message })).toBe(`*${title}*\n${message}`);
  });

  it('cuts the message so the section fits in 3000 characters, keeping the title bold', () => {
    const text = sectionText({ ...base, title: 'Spool Low', message: 'm'.repeat(4000) });
    expect(text).toHaveLength(3000);
    expect(text).toBe(`*Spool Low*\n${'m'.repeat(3000 - 13)}…`);
  });

  it('counts escapes in the limit and never cuts one in half', () => {
    const text = sectionText({ ...base, title: 'T', message: '&'.repeat(1000) });
    // "*T*\n" takes 4 and the ellipsis 1; each & is 5 once escaped, so (3000 - 4 - 1) / 5 = 599 fit.
    expect(text).toBe(`*T*\n${'&amp;'.repeat(599)}…`);
    expect(text).toHaveLength(3000);
  });

  it('cuts emoji in the message at a code point boundary', () => {
    const text = sectionText({ ...base, title: 'T', message: EMOJI.repeat(2000) });
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(isWellFormed(text)).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });

  it('gives the whole budget to the title before the message', () => {
    const text = sectionText({ ...base, title: '<'.repeat(1000), message: 'lost' });
    expect(text).toBe(`*${'&lt;'.repeat(749)}…*\n`);
  });
});

describe('buildTestAlert', () => {
  it('is a harmless info alert stamped with the given time', () => {
    expect(buildTestAlert(1_740_480_000_250)).toEqual({
      id: 'test_1740480000250',
      type: 'print_complete',
      severity: 'info',
      title: 'Herald test alert',
      message: 'This is a test message from Herald. If you can read it, this webhook works.',
      printerId: 0,
      printerName: 'Test printer',
      orgId: null,
      occurredAtMs: 1_740_480_000_250,
    });
  });

  it('renders in every format', () => {
    const alert = buildTestAlert(1_740_480_000_000);
    expect(formatAlertPayload('generic', alert)).toMatchObject({ title: 'Herald test alert', timestamp: 1740480000 });
    expect(formatAlertPayload('discord', alert).embeds[0]).toMatchObject({ title: 'Herald test alert', color: 65280 });
    expect(formatAlertPayload('slack', alert).blocks[0].text.text).toBe(
      '*Herald test alert*\nThis is a test message from Herald. If you can read it, this webhook works.',
    );
  });
});
