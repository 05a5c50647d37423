import pino, { type Logger } from 'pino';
import type { HeraldConfig } from './config';

export type { Logger } from 'pino';

/** Paths pino blanks before a line is written: anything that could carry a URL, token or key. */
export const REDACTED_PATHS = [
  'url',
  '*.url',
  'webhookUrl',
  '*.webhookUrl',
  'webhook_url',
  '*.webhook_url',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'signingSecret',
  '*.signingSecret',
  'fernetKeys',
  '*.fernetKeys',
  'key',
  '*.key',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'redisUrl',
  'databaseUrl',
];

export function createLogger(config: Pick<HeraldConfig, 'log'>, name: string): Logger {
  return pino({
    name,
    level: config.log.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(config.log.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
