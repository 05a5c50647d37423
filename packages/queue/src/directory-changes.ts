import type { Redis } from 'ioredis';
import { directoryChangesChannel } from './queue-names';

/** Tells every worker to reload webhooks, organizations and quiet-hours settings. */
export async function announceDirectoryChange(redis: Redis, prefix: string): Promise<void> {
  await redis.publish(directoryChangesChannel(prefix), String(Date.now()));
}
