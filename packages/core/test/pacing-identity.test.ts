import fc from 'fast-check';
import { pacingIdentity } from '../src/delivery-policy/pacing-identity';

describe('pacingIdentity: one webhook at the service is one pacing key, whatever the URL spelling', () => {
  it('Discord: the webhook id, across hosts, API versions, query strings and trailing slashes', () => {
    const spellings = [
      'https://discord.com/api/webhooks/123456789/tokenA',
      'https://discordapp.com/api/webhooks/123456789/tokenA',
      'https://discord.com/api/v10/webhooks/123456789/tokenA/?wait=true',
      'https://discord.com/api/webhooks/123456789/tokenA?x=1#frag',
    ];
    expect(new Set(spellings.map((url) => pacingIdentity('discord', url)))).toEqual(new Set(['discord:123456789']));
    expect(pacingIdentity('discord', 'https://discord.com/api/webhooks/987/tokenA')).not.toBe('discord:123456789');
  });

  it('Slack: the /services path, query strings and trailing slashes ignored', () => {
    const a = pacingIdentity('slack', 'https://hooks.slack.com/services/T1/B2/secret');
    expect(pacingIdentity('slack', 'https://hooks.slack.com/services/T1/B2/secret/?n=7')).toBe(a);
    expect(pacingIdentity('slack', 'https://hooks.slack.com/services/T1/B3/secret')).not.toBe(a);
  });

  it('Telegram: bot and chat', () => {
    const a = pacingIdentity('telegram', 'https://api.telegram.org/bot1:AB/sendMessage?chat_id=42');
    expect(pacingIdentity('telegram', 'https://api.telegram.org/bot1:AB/sendMessage?chat_id=42&n=2')).toBe(a);
    expect(pacingIdentity('telegram', 'https://api.telegram.org/bot1:AB/sendMessage?chat_id=43')).not.toBe(a);
  });

  it('any query parameter added to a Discord URL keeps its key (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[a-z]+$/.test(k)),
        fc.string({ maxLength: 8 }),
        (key, value) => {
          const base = 'https://discord.com/api/webhooks/55/tok';
          expect(pacingIdentity('discord', `${base}?${key}=${encodeURIComponent(value)}`)).toBe(pacingIdentity('discord', base));
        },
      ),
    );
  });

  it('other types: the URL without its fragment', () => {
    expect(pacingIdentity('generic', 'https://example.com/a?b=1#c')).toBe('url:https://example.com/a?b=1');
    expect(pacingIdentity('generic', 'https://example.com/a?b=2')).not.toBe(pacingIdentity('generic', 'https://example.com/a?b=1'));
  });
});
