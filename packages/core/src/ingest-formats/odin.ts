import type { Severity } from '../alerts/alert-types';
import {
  asObject,
  buildIngestAlert,
  readQueryDefaults,
  severityFromWord,
  stripLeadingEmoji,
  type AlertFields,
  type IngestContext,
  type IngestMapping,
} from './ingest-alert';

/** The fields of O.D.I.N.'s documented generic payload; anything else it sends is ignored. */
const GENERIC_FIELDS = ['type', 'severity', 'title', 'message', 'printer_id', 'printer_name', 'timestamp'];
const EVENT_FIELDS = ['event', 'severity', 'title', 'message', 'printer_id', 'printer_name', 'timestamp'];

// The emoji O.D.I.N.'s two dispatchers put before a title, by the severity they stand for.
const SEVERITY_BY_EMOJI: [string, Severity][] = [
  ['🔴', 'critical'],
  ['🚨', 'critical'],
  ['❌', 'critical'],
  ['🟡', 'warning'],
  ['⚠', 'warning'],
  ['🔵', 'info'],
  ['ℹ', 'info'],
];

// Embed colours of O.D.I.N.'s Discord payloads (documented and both dispatchers').
const SEVERITY_BY_COLOR = new Map<number, Severity>([
  [0x00ff00, 'info'],
  [0x3498db, 'info'],
  [0x3b82f6, 'info'],
  [0xffa500, 'warning'],
  [0xf39c12, 'warning'],
  [0xf59e0b, 'warning'],
  [0xff0000, 'critical'],
  [0xe74c3c, 'critical'],
  [0x9b59b6, 'critical'],
  [0xef4444, 'critical'],
]);

function severityFromEmoji(title: unknown): Severity | undefined {
  if (typeof title !== 'string') return undefined;
  const head = title.trimStart();
  return SEVERITY_BY_EMOJI.find(([emoji]) => head.startsWith(emoji))?.[1];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const blockText = (block: unknown): string | undefined => text((block as { text?: { text?: unknown } } | null)?.text?.text);
const blockType = (block: unknown): unknown => (block as { type?: unknown } | null)?.type;

/**
 * Slack Block Kit as O.D.I.N. sends it to every non-Discord webhook: a header block with `<emoji> title`
 * and a section with the message, or (its documented form) one section `*title*\nmessage`.
 */
function slackShape(body: Record<string, unknown>): Omit<AlertFields, 'type' | 'printerId' | 'printerName' | 'timestamp'> {
  const blocks = Array.isArray(body.blocks) ? body.blocks : [];
  const header = blockText(blocks.find((block) => blockType(block) === 'header'));
  const section = blockText(blocks.find((block) => blockType(block) === 'section'));
  if (header !== undefined) {
    return {
      title: stripLeadingEmoji(header),
      message: section ?? '',
      severity: severityFromEmoji(header),
      titleField: 'blocks.0.text.text',
      printerField: 'printer_id',
    };
  }
  const documented = section === undefined ? null : /^\*([^\n]+)\*\n?([\s\S]*)$/.exec(section);
  return {
    title: documented ? stripLeadingEmoji(documented[1] ?? '') : (text(body.text) ?? undefined),
    message: documented ? (documented[2] ?? '') : (section ?? ''),
    severity: severityFromEmoji(documented?.[1]),
    titleField: 'blocks',
    printerField: 'printer_id',
  };
}

/** O.D.I.N.'s Discord embed, for an operator who picked the Discord type for Herald's URL. */
function discordShape(body: Record<string, unknown>): Omit<AlertFields, 'type' | 'printerId' | 'printerName' | 'timestamp'> {
  const embed = (Array.isArray(body.embeds) ? body.embeds[0] : undefined) as { title?: unknown; description?: unknown; color?: unknown };
  const title = text(embed?.title);
  return {
    title: title === undefined ? undefined : stripLeadingEmoji(title),
    message: text(embed?.description) ?? '',
    severity: severityFromEmoji(title) ?? (typeof embed?.color === 'number' ? SEVERITY_BY_COLOR.get(embed.color) : undefined),
    titleField: 'embeds.0.title',
    printerField: 'printer_id',
  };
}

/**
 * Every body O.D.I.N. posts to a webhook: its documented generic payload, the `{event, title, message,
 * severity}` one, the Slack-shaped `blocks` one (and the Discord embed). Fields beyond a shape's are
 * ignored; an alert type Herald does not know is kept (a newer O.D.I.N.'s). `{"event": "test"}` is
 * O.D.I.N.'s "Test" button, not an alert.
 */
export function mapOdinBody(body: unknown, context: IngestContext): IngestMapping {
  const object = asObject(body);
  if (!object.ok) return object.mapping;
  const fields = object.value;
  if (fields.event === 'test') return { kind: 'test' };
  const query = readQueryDefaults(context.query);
  if (!query.ok) return { kind: 'rejected', errors: query.errors };

  const common = { printerId: fields.printer_id, printerName: fields.printer_name, timestamp: undefined as unknown };
  let mapped: AlertFields;
  let used: string[];
  if (Array.isArray(fields.blocks)) {
    mapped = { ...slackShape(fields), ...common, type: undefined };
    used = ['blocks', 'text', 'printer_id', 'printer_name'];
  } else if (Array.isArray(fields.embeds)) {
    mapped = { ...discordShape(fields), ...common, type: undefined };
    used = ['embeds', 'printer_id', 'printer_name'];
  } else {
    const event = typeof fields.event === 'string';
    const title = text(fields.title);
    mapped = {
      type: text(event ? fields.event : fields.type),
      severity: severityFromWord(fields.severity) ?? severityFromEmoji(title),
      title: title === undefined ? fields.title : stripLeadingEmoji(title),
      message: fields.message ?? '',
      ...common,
      timestamp: fields.timestamp,
      titleField: 'title',
      printerField: 'printer_id',
    };
    used = event ? EVENT_FIELDS : GENERIC_FIELDS;
  }
  const mapping = buildIngestAlert(mapped, query.value, context);
  return mapping.kind === 'alert' ? { ...mapping, ignoredFields: Object.keys(fields).filter((key) => !used.includes(key)) } : mapping;
}
