export { escapeSlackText, escapeSlackEntities, slackTextPieces } from './slack';
export { escapeWhatsAppText, whatsAppTextPieces } from './whatsapp';
export { escapeTelegramHtml, telegramHtmlPieces } from './telegram-html';
export { escapeDiscordText, escapeDiscordLine } from './discord';
export { escapeTeamsMarkdown, teamsMarkdownPieces } from './teams-markdown';
export { FULL_WIDTH_LOOK_ALIKE } from './span-markup';
