import { createRequire } from 'node:module';
import { EmbedBuilder, embedLength } from '@discordjs/builders';
import { ALERT_TYPES, type AlertView, type DigestView, formatAlertPayload, formatDigestPayload, SEVERITIES } from '../src';

// The package's `main` is untranspiled ESM that Node cannot load; its UMD bundle is the same library.
const AdaptiveCards = createRequire(__filename)('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const EVERY_MARKUP = '*_~`|[]()<>&\\#-+.!:/@ <@123> @everyone [x](https://evil.example) ||s|| **b** \u{1F525}\u{1F469}\u200D\u{1F527} 完了';

function worstCase(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'w',
    type: 'print_failed',
    severity: 'critical',
    title: EVERY_MARKUP.repeat(20),
    message: `${EVERY_MARKUP}\n`.repeat(400),
    printerId: 2_147_483_647,
    printerName: EVERY_MARKUP.repeat(10),
    orgId: null,
    occurredAtMs: 1_740_480_000_123,
    ...overrides,
  };
}

function digestOf(alerts: AlertView[]): DigestView {
  return {
    scope: 'system',
    orgId: null,
    windowStartMs: 0,
    windowEndMs: 1_740_480_000_000,
    timezone: 'Europe/Berlin',
    windowLabel: '22:00–07:00 Europe/Berlin',
    alerts,
  };
}

const SAMPLES: Array<[string, AlertView]> = [
  ['an ordinary alert', worstCase({ title: 'Print failed', message: 'Benchy_0.2mm_PLA_MK4_1h2m.gcode (X1C_01)', printerName: 'X1C' })],
  ['worst-case text at every limit', worstCase()],
  ...SEVERITIES.map((severity): [string, AlertView] => [`a ${severity} alert`, worstCase({ severity })]),
  ...ALERT_TYPES.map((type): [string, AlertView] => [type, worstCase({ type, message: '' })]),
];

/** Parses a card with Microsoft's own library; returns every parse and validation message. */
function adaptiveCardProblems(card: object): string[] {
  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

describe("Teams cards pass Microsoft's adaptivecards parser with no errors", () => {
  it.each(SAMPLES)('alert: %s', (_name, alert) => {
    const payload = formatAlertPayload('teams', alert);
    expect(adaptiveCardProblems(payload.attachments[0].content)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(28 * 1024);
  });

  it('digest: empty, small and 300 worst-case alerts', () => {
    for (const alerts of [
      [],
      [worstCase()],
      Array.from({ length: 300 }, (_, i) => worstCase({ id: `a${i}`, type: ALERT_TYPES[i % ALERT_TYPES.length] })),
    ]) {
      const payload = formatDigestPayload('teams', digestOf(alerts));
      expect(adaptiveCardProblems(payload.attachments[0].content)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(28 * 1024);
    }
  });

  it('the checker does catch a broken card', () => {
    expect(
      adaptiveCardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', color: 'Red' }] }),
    ).not.toEqual([]);
  });
});

/** Builds the embed through discord.js's validating setters, which throw on anything Discord would refuse. */
function buildEmbed(embed: {
  title: string;
  description?: string;
  color: number;
  footer: { text: string };
  timestamp: string;
  fields?: Array<{ name: string; value: string; inline: boolean }>;
}): number {
  const builder = new EmbedBuilder()
    .setTitle(embed.title)
    .setDescription(embed.description ?? null)
    .setColor(embed.color)
    .setFooter(embed.footer)
    .setTimestamp(new Date(embed.timestamp));
  if (embed.fields && embed.fields.length > 0) builder.addFields(embed.fields);
  return embedLength(builder.toJSON());
}

describe('Discord embeds pass @discordjs/builders validators', () => {
  it.each(SAMPLES)('alert: %s', (_name, alert) => {
    const payload = formatAlertPayload('discord', alert);
    expect(buildEmbed(payload.embeds[0])).toBeLessThanOrEqual(6000);
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('digest: small and 300 worst-case alerts of every type', () => {
    for (const alerts of [
      [worstCase()],
      Array.from({ length: 300 }, (_, i) => worstCase({ id: `a${i}`, type: ALERT_TYPES[i % ALERT_TYPES.length] })),
    ]) {
      expect(buildEmbed(formatDigestPayload('discord', digestOf(alerts)).embeds[0])).toBeLessThanOrEqual(6000);
    }
  });

  it('the validators do catch an embed Discord would refuse', () => {
    expect(() =>
      buildEmbed({ title: 'x'.repeat(257), description: 'd', color: 0, footer: { text: 'f' }, timestamp: new Date(0).toISOString() }),
    ).toThrow();
  });
});
