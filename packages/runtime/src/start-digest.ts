import { startDigestService, type DigestService } from '@herald/digest';
import type { HeraldContext } from './herald-context';

export function startDigest(context: HeraldContext, options: { now?: () => number } = {}): DigestService {
  return startDigestService({
    config: context.config,
    prisma: context.database.prisma,
    sql: context.database.sql,
    queues: context.queues,
    logger: context.logger,
    now: options.now,
  });
}
