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
  return `  ${BOLD}[generic]${RESET} ${JSON.stringify(body)}`;
}

export function renderSummary(rows: { type: string; latencies: Record<string, number | null> }[], endpoints: string[]): string {
  const header = ['alert type'.padEnd(22), ...endpoints.map((e) => e.padEnd(20))].join('');
  const lines = rows.map((row) =>
    [
      row.type.padEnd(22),
      ...endpoints.map((e) => (row.latencies[e] === null ? 'MISSING' : `delivered ${row.latencies[e]} ms`).padEnd(20)),
    ].join(''),
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}
