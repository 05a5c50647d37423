import type { ChannelTarget } from '../webhooks/channel-target';

/** WhatsApp refuses template parameters with line breaks, tabs or more than four spaces in a row. */
function templateParameter(text: string, maxLength: number): string {
  const flat = text
    .replace(/\s*[\r\n\t]+\s*/g, ' \u00B7 ')
    .replace(/ {4,}/g, '   ')
    .trim();
  const chars = Array.from(flat);
  return chars.length <= maxLength ? flat || '-' : `${chars.slice(0, maxLength - 1).join('')}\u2026`;
}

function isWhatsAppText(content: object): content is { type: 'text'; text: { body: string } } {
  const candidate = content as { type?: unknown; text?: { body?: unknown } };
  return candidate.type === 'text' && typeof candidate.text?.body === 'string';
}

/**
 * A WhatsApp template message from a text message: the first line (title, without its bold
 * markers) and the rest (message) as the template's two body parameters, {{1}} and {{2}}.
 */
function whatsAppTemplateBody(content: object, template: { name: string; language: string }): object {
  if (!isWhatsAppText(content)) return content;
  const [firstLine = '', ...rest] = content.text.body.split('\n');
  const title = firstLine.replace(/^(\S+) \*(.*)\*$/u, '$1 $2');
  return {
    messaging_product: 'whatsapp',
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: templateParameter(title, 256) },
            { type: 'text', text: templateParameter(rest.join('\n'), 700) },
          ],
        },
      ],
    },
  };
}

/** The JSON body sent: the channel's address first (chat, topic, keys, recipient), then the formatted content. */
export function addressChannelBody(target: ChannelTarget, content: object): object {
  const message = target.whatsAppTemplate ? whatsAppTemplateBody(content, target.whatsAppTemplate) : content;
  if (Object.keys(target.address).length === 0) return message;
  if ('messaging_product' in message) {
    const { messaging_product: product, ...rest } = message as { messaging_product: string };
    return { messaging_product: product, ...target.address, ...rest };
  }
  return { ...target.address, ...message };
}
