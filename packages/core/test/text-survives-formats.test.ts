import fc from 'fast-check';
import {
  ALERT_TYPES,
  type AlertView,
  escapeDiscordText,
  escapeSlackText,
  escapeTeamsMarkdown,
  escapeTelegramHtml,
  escapeWhatsAppText,
  formatAlertPayload,
  formatDigestPayload,
  FULL_WIDTH_LOOK_ALIKE,
  WEBHOOK_TYPES,
} from '../src';

const BENCHY = 'Benchy_0.2mm_PLA_MK4_1h2m.gcode (X1C_01)';

// Printable text rich in every markup character of every format.
const textArb = fc.string({
  unit: fc.constantFrom(...'aZ09 _*~`|[]()<>&\\#-+.!:/@'.split(''), '\n', 'ü', '完', '\u{1F525}', '1.', '||', '](', 'https://evil.example'),
  maxLength: 80,
});

const LOOK_ALIKE_TO_ASCII = new Map(Object.entries(FULL_WIDTH_LOOK_ALIKE).map(([ascii, lookAlike]) => [lookAlike, ascii]));
const WORD = /[\p{L}\p{N}]/u;

/** What a Slack or WhatsApp reader sees, in ASCII terms: entities decoded, look-alikes read as what they stand for. */
function readLookAlikes(text: string, entities: boolean): string {
  const decoded = Array.from(text, (char) => LOOK_ALIKE_TO_ASCII.get(char) ?? char).join('');
  return entities ? decoded.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : decoded;
}

/** Backslash escapes read as the character they escape. */
function readBackslashes(text: string): string {
  return text.replace(/\\(.)/gsu, '$1');
}

/** Every markup character of `chars` that is live: not preceded by an escaping backslash. */
function unescapedIndexes(text: string, chars: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') {
      i += 1;
      continue;
    }
    if (chars.includes(text[i] as string)) found.push(i);
  }
  return found;
}

function spanCharsAreIntraword(text: string, spanChars: string): boolean {
  const chars = Array.from(text);
  return chars.every((char, i) => !spanChars.includes(char) || (WORD.test(chars[i - 1] ?? '') && WORD.test(chars[i + 1] ?? '')));
}

describe('text that survives every format', () => {
  it('Slack: reads as written; no link, mention or quote; a formatting character only between letters or digits', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const escaped = escapeSlackText(text);
        expect(readLookAlikes(escaped, true)).toBe(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(spanCharsAreIntraword(escaped, '*_~`')).toBe(true);
      }),
    );
  });

  it('WhatsApp: reads as written; no quote; a formatting character only between letters or digits', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const escaped = escapeWhatsAppText(text);
        expect(readLookAlikes(escaped, false)).toBe(text);
        expect(escaped).not.toMatch(/^[ \t]*>/m);
        expect(spanCharsAreIntraword(escaped, '*_~`')).toBe(true);
      }),
    );
  });

  it('Telegram HTML: reads as written; no tag can open', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const escaped = escapeTelegramHtml(text);
        expect(escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(text);
        expect(escaped).not.toMatch(/[<>]/);
      }),
    );
  });

  it('Discord: reads as written; no masked link, mention, timestamp or spoiler can form', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const escaped = escapeDiscordText(text);
        expect(readBackslashes(escaped)).toBe(text);
        expect(unescapedIndexes(escaped, '[]<|')).toEqual([]);
      }),
    );
  });

  it('Teams: reads as written; no link can form; emphasis characters only between letters or digits; no list', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const escaped = escapeTeamsMarkdown(text);
        expect(readBackslashes(escaped)).toBe(text);
        expect(unescapedIndexes(escaped, '[]')).toEqual([]);
        for (const index of unescapedIndexes(escaped, '*_')) {
          expect(WORD.test(escaped[index - 1] ?? '') && WORD.test(escaped[index + 1] ?? '')).toBe(true);
        }
        expect(escaped).not.toMatch(/^[ \t]*([-+*]|\d+\.)[ \t]/m);
      }),
    );
  });

  it("Discord alerts keep O.D.I.N.'s look but make a masked link plain text", () => {
    const alert = alertWith('[Reset printer](https://evil.example)', '**Bed** _hot_ ||secret|| <@123>');
    const embed = formatAlertPayload('discord', alert).embeds[0];
    expect(embed.title).toBe('\\[Reset printer\\](https://evil.example)');
    expect(embed.description).toBe('**Bed** _hot_ \\|\\|secret\\|\\| \\<@123>');
  });

  it.each(WEBHOOK_TYPES)('%s: a slicer file name arrives byte-identical in alert title, message and digest', (type) => {
    const alert = alertWith(`Print failed: ${BENCHY}`, `File ${BENCHY} stopped`);
    const sent = JSON.stringify(formatAlertPayload(type, alert));
    expect(sent.split(BENCHY).length - 1).toBeGreaterThanOrEqual(type === 'generic' ? 2 : 1);
    const digest = JSON.stringify(
      formatDigestPayload(type, {
        scope: 'system',
        orgId: null,
        windowStartMs: 0,
        windowEndMs: 3_600_000,
        timezone: 'UTC',
        windowLabel: '22:00–07:00 UTC',
        alerts: [alert],
      }),
    );
    expect(digest).toContain(BENCHY);
  });

  it('every alert type renders in every format', () => {
    for (const type of WEBHOOK_TYPES) {
      for (const alertType of ALERT_TYPES) {
        expect(JSON.stringify(formatAlertPayload(type, { ...alertWith('T', 'M'), type: alertType }))).toContain('T');
      }
    }
  });
});

function alertWith(title: string, message: string): AlertView {
  return {
    id: 'a1',
    type: 'print_failed',
    severity: 'critical',
    title,
    message,
    printerId: 3,
    printerName: 'X1C_01',
    orgId: null,
    occurredAtMs: 1_740_480_000_000,
  };
}
