import { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerDeps } from '@herald/delivery';
import type { HeraldContext } from './herald-context';

export function startWorker(
  context: HeraldContext,
  options: Omit<Partial<DeliveryWorkerDeps>, 'config' | 'prisma' | 'codec' | 'logger'> = {},
): Promise<DeliveryWorker> {
  return startDeliveryWorker({
    config: context.config,
    prisma: context.database.prisma,
    codec: context.codec,
    logger: context.logger,
    ...options,
  });
}
