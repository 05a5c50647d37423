/** One queue per stage of an alert's path: fan-out (resolve webhooks) then delivery (one HTTP POST each). */
export const QUEUE_NAMES = {
  alerts: 'alerts',
  deliveries: 'deliveries',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Redis pub/sub channel on which webhook, organization and settings changes are announced to every worker. */
export function directoryChangesChannel(prefix: string): string {
  return `${prefix}:directory-changed`;
}
