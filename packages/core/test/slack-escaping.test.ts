import { type AlertView, escapeSlackText, formatSlackPayload } from '../src';

const base: AlertView = {
  id: 'a1',
  type: 'print_failed',
  severity: 'critical',
  title: 'Print Failed',
  message: 'ok',
  printerId: 3,
  printerName: 'X1C',
  orgId: null,
  occurredAtMs: 1_740_480_000_000,
};

function slack(title: string, message: string) {
  const payload = formatSlackPayload({ ...base, title, message });
  return { text: payload.text, section: payload.blocks[0].text.text };
}

describe('Slack escaping', () => {
  it.each([
    ['a channel-wide mention', '<!channel> printer on fire', '&lt;!channel&gt; printer on fire'],
    ['a here mention', 'ping <!here>', 'ping &lt;!here&gt;'],
    ['a user mention', 'hi <@U024BE7LH>', 'hi &lt;@U024BE7LH&gt;'],
    ['a channel link', 'see <#C024BE7LR>', 'see &lt;#C024BE7LR&gt;'],
    ['a disguised link', '<https://evil.example|click here>', '&lt;https://evil.example|click here&gt;'],
    ['an ampersand', 'PLA & PETG', 'PLA &amp; PETG'],
    ['an already escaped entity', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
  ])('makes %s inert', (_name, input, expected) => {
    expect(escapeSlackText(input)).toBe(expected);
    expect(slack('Title', input).section).toBe(`*Title*\n${expected}`);
  });

  it.each([
    ['bold', '*bold*', '＊bold＊'],
    ['italic', '_italic_', '＿italic＿'],
    ['strikethrough', '~gone~', '～gone～'],
    ['inline code', '`code`', '｀code｀'],
    ['a code block', '```\nrm -rf\n```', '｀｀｀\nrm -rf\n｀｀｀'],
    ['underscores around a word', 'the _job_ id', 'the ＿job＿ id'],
  ])('shows %s characters visibly as look-alikes instead of formatting', (_name, input, expected) => {
    expect(escapeSlackText(input)).toBe(expected);
  });

  it.each([
    ['a snake_case name', 'job_id_42'],
    ['a slicer file name', 'Benchy_0.2mm_PLA_MK4_1h2m.gcode (X1C_01)'],
    ['a product code', 'MK3S*PLUS and ab~cd'],
  ])('keeps %s as written: intraword characters never format', (_name, input) => {
    expect(escapeSlackText(input)).toBe(input);
  });

  it('turns a quote marker at the start of a line into a look-alike, and other > into &gt;', () => {
    expect(escapeSlackText('> quoted\nfine > here\n  > also quoted')).toBe('＞ quoted\nfine &gt; here\n  ＞ also quoted');
  });

  it('keeps the title bold when the title tries to close it early', () => {
    const { section } = slack('Nozzle *clogged* <!channel>', 'x');
    expect(section).toBe('*Nozzle ＊clogged＊ &lt;!channel&gt;*\nx');
  });

  it('escapes the notification fallback text the same way', () => {
    expect(slack('<@U123> *now*', 'x').text).toBe('&lt;@U123&gt; ＊now＊');
  });

  it('keeps a title on one line so the bold markup is not broken', () => {
    expect(slack('Print\nFailed', 'x').section).toBe('*Print Failed*\nx');
  });

  it('leaves ordinary text, emoji and non-Latin scripts untouched', () => {
    expect(escapeSlackText('Düse 0.4 mm — 完了 🔥 #142 100%')).toBe('Düse 0.4 mm — 完了 🔥 #142 100%');
  });
});
