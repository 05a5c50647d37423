import { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerDeps } from '@herald/delivery';
import { metricsFor, startMetricsListener, type HeraldMetrics } from '@herald/metrics';
import { createGuardPolicies, ORG_ALLOW_LIST_NAME } from '@herald/net-guard';
import { refuseWrongFernetKeys, type HeraldContext } from './herald-context';

export interface StartWorkerOptions extends Omit<Partial<DeliveryWorkerDeps>, 'config' | 'prisma' | 'sql' | 'codec' | 'logger'> {
  metrics?: HeraldMetrics;
  /**
   * A separate worker process has no HTTP API: with a port (HERALD_WORKER_METRICS_PORT), it serves
   * its own GET /metrics there (bearer HERALD_METRICS_TOKEN when set). 0 picks a free port.
   */
  metricsPort?: number;
}

export interface RunningWorker extends DeliveryWorker {
  /** Where the worker's own /metrics listens, when started with a metrics port. */
  metricsAddress: string | null;
}

export async function startWorker(context: HeraldContext, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const { metrics: given, metricsPort, ...workerOptions } = options;
  const metrics = given ?? metricsFor(context);
  await refuseWrongFernetKeys(context);
  const { config } = context;
  // Every connection goes through the SSRF guard: resolve, check every address, connect to a checked
  // one. System webhooks are judged by HERALD_ALLOWED_PRIVATE_TARGETS, an organization's by its own list.
  const guards = createGuardPolicies({
    connectTimeoutMs: config.worker.connectTimeoutMs,
    lookupTimeoutMs: config.worker.connectTimeoutMs,
  });
  const systemGuard = guards.forList(config.allowedPrivateTargets);
  const injected = workerOptions.senderOptions?.connect;
  const worker = await startDeliveryWorker({
    config: context.config,
    prisma: context.database.prisma,
    sql: context.database.sql,
    codec: context.codec,
    logger: context.logger,
    ...workerOptions,
    senderOptions: { ...workerOptions.senderOptions, connect: injected ?? systemGuard.connect },
    // A caller that brings its own connector (tests) has it used for every webhook.
    networkPolicyFor:
      injected !== undefined
        ? undefined
        : (webhook) =>
            webhook.allowedPrivateTargets === null ? systemGuard : guards.forList(webhook.allowedPrivateTargets, ORG_ALLOW_LIST_NAME),
    onDeliveryFinished(event) {
      metrics.deliveryFinished(event);
      workerOptions.onDeliveryFinished?.(event);
    },
    onUndecryptableWebhooks(count) {
      metrics.webhooksUndecryptable(count);
      workerOptions.onUndecryptableWebhooks?.(count);
    },
    onDeliveryHandedBack() {
      metrics.deliveryHandedBack();
      workerOptions.onDeliveryHandedBack?.();
    },
  });
  const listener =
    metricsPort === undefined
      ? null
      : await startMetricsListener({
          metrics,
          host: context.config.host,
          port: metricsPort,
          token: context.config.metricsToken,
          // Not ready while its keys cannot open some enabled webhook.
          ready: async () => (await worker.directory.snapshot().catch(() => null)) !== null && worker.directory.sealedCount() === 0,
        }).catch(async (error: unknown) => {
          await worker.close();
          throw error;
        });
  if (listener) context.logger.info({ address: listener.address }, 'worker metrics listening');
  return {
    ...worker,
    metricsAddress: listener?.address ?? null,
    async close() {
      await listener?.close();
      await worker.close();
    },
  };
}
