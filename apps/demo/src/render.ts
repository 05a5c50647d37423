import type { Arrival } from './inspector';

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';

function discordSwatch(color: number): string {
  const r = (color >> 16) & 0xff;
  const g = (color >> 8) & 0xff;
  const b = color & 0xff;
  return `\x1b[38;2;${r};${g};${b}m█${RESET}`;
}

const COLOR_NAMES: Record<number, string> = { 65280: 'green', 16753920: 'orange', 16711680: 'red' };

/** The fields the demo shows of the chat services' bodies. */
interface ChannelBody {
  text?: string | { body?: string };
  chat_id?: number | string;
  title?: string;
  message?: string;
  topic?: string;
  priority?: number;
  tags?: string[];
  to?: string;
  attachments?: {
    content?: { version?: string; body?: { text?: string; color?: string; facts?: { title: string; value: string }[] }[] };
  }[];
}

/** One arrival, the way the receiving service would show it. */
export function renderArrival(arrival: Arrival, color: boolean): string {
  const body = arrival.body as {
    embeds?: { title: string; description: string; color: number; footer?: { text: string }; timestamp: string }[];
    blocks?: { text?: { text?: string } }[];
  };
  if (arrival.endpoint === 'discord') {
    const embed = body.embeds?.[0] ?? { title: '', description: '', color: 0, timestamp: '' };
    const swatch = color ? discordSwatch(embed.color) : '|';
    return `${swatch} ${BOLD}[discord]${RESET} ${embed.title} ${DIM}(${COLOR_NAMES[embed.color] ?? embed.color}, ${embed.footer?.text}, ${embed.timestamp})${RESET}\n   ${embed.description}`;
  }
  if (arrival.endpoint === 'slack') {
    const text: string = body.blocks?.[0]?.text?.text ?? '';
    return `  ${BOLD}[slack]${RESET}   ${text.replace('\n', '\n            ')}`;
  }
  const tag = (name: string) => `  ${BOLD}[${name}]${RESET}`.padEnd(name.length + 14);
  const indent = (text: string) => text.replace(/\n/g, '\n            ');
  const any = arrival.body as ChannelBody;
  const whatsAppText = typeof any.text === 'object' ? any.text.body : undefined;
  switch (arrival.endpoint) {
    case 'telegram':
      return `${tag('telegram')} ${indent(String(typeof any.text === 'string' ? any.text : ''))} ${DIM}(chat ${any.chat_id}, HTML)${RESET}`;
    case 'ntfy':
      return `${tag('ntfy')} ${any.title} ${DIM}(topic ${any.topic}, priority ${any.priority}, tags ${any.tags?.join(',')}, ${arrival.headers.authorization ? 'token' : 'open'})${RESET}\n            ${indent(String(any.message))}`;
    case 'teams': {
      const card = any.attachments?.[0]?.content;
      const [title, ...rest] = card?.body ?? [];
      const facts = rest.flatMap((block) => block.facts ?? []).map((fact) => `${fact.title}: ${fact.value}`);
      const text = rest.filter((block) => block.text).map((block) => block.text);
      return `${tag('teams')} ${title?.text} ${DIM}(Adaptive Card ${card?.version}, ${title?.color})${RESET}\n            ${indent(text.join('\n'))} ${DIM}${facts.join(' · ')}${RESET}`;
    }
    case 'pushover':
      return `${tag('pushover')} ${any.title} ${DIM}(priority ${any.priority})${RESET}\n            ${indent(String(any.message))}`;
    case 'whatsapp':
      return `${tag('whatsapp')} ${indent(whatsAppText ?? JSON.stringify(any))} ${DIM}(to ${any.to}, ${arrival.headers.authorization ? 'bearer token' : 'no token'})${RESET}`;
    default:
      return `  ${BOLD}[generic]${RESET} ${JSON.stringify(body)}`;
  }
}

export function renderSummary(rows: { type: string; latencies: Record<string, number | null> }[], endpoints: string[]): string {
  const header = ['alert type'.padEnd(22), ...endpoints.map((e) => e.padEnd(10))].join('');
  const lines = rows.map((row) =>
    [row.type.padEnd(22), ...endpoints.map((e) => (row.latencies[e] === null ? 'MISSING' : `${row.latencies[e]} ms`).padEnd(10))].join(''),
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}
