import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  countAttemptsRecorded,
  countDisabledWebhooks,
  countDispatchedDigestsByScope,
  undeliveredAlertSignals,
  type PrismaClient,
} from '@herald/db';
import { probeRedisWrite, type HeraldQueues, type RedisWriteState } from '@herald/queue';
import { oldestWaitingAgeSeconds, readyJobCount } from './queue-age';

/** What the delivery worker reports when a delivery reaches a final state (no URL, by design). */
export interface FinishedDelivery {
  webhookType: string;
  outcome: 'delivered' | 'failed' | 'dead';
  /** Alert receipt to 2xx, for delivered ones. */
  latencyMs: number | null;
  /** Digest and notice deliveries have no alert receipt time, so only alert ones feed the latency histogram. */
  kind?: string;
}

export interface ClusterSources {
  queues: HeraldQueues;
  prisma: PrismaClient;
  now?: () => number;
  /** For the Redis write probe (out of memory, MISCONF, read-only replica), under `queuePrefix`. */
  redis?: Parameters<typeof probeRedisWrite>[0];
  queuePrefix?: string;
}

/** A queued alert not routed after this long counts as a stuck fan-out. */
const STUCK_FAN_OUT_MS = 60_000;
const REDIS_WRITE_STATES: RedisWriteState[] = ['up', 'out_of_memory', 'persistence_failing', 'read_only', 'down'];

/**
 * Herald's Prometheus metrics. Labels hold only bounded, non-secret values (alert type,
 * webhook type, outcome, queue name): never a URL, token or id.
 */
export interface HeraldMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  alertsIngested(type: string, count?: number): void;
  deliveryFinished(event: FinishedDelivery): void;
  /** Enabled webhooks this process's Fernet keys cannot open (non-zero: this process is not ready). */
  webhooksUndecryptable(count: number): void;
  /** A delivery given back to the queue because this process cannot decrypt its webhook (no attempt spent). */
  deliveryHandedBack(): void;
  /**
   * Adds the series that describe the whole deployment rather than this process: queue depth
   * and age (Redis) and attempts and digests (database). Only the API calls it, so a separate
   * worker process does not report them twice. Idempotent.
   */
  observeCluster(sources: ClusterSources): void;
  render(): Promise<string>;
}

const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600];

export function createHeraldMetrics(options: { defaultMetrics?: boolean } = {}): HeraldMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const ingested = new Counter({
    name: 'herald_alerts_ingested_total',
    help: 'Alerts accepted and saved (duplicates excluded), by alert type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'herald_deliveries_total',
    help: 'Deliveries that reached a final state in this process, by outcome and webhook type.',
    labelNames: ['outcome', 'webhook_type'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'herald_delivery_latency_seconds',
    help: 'Time from alert receipt to the endpoint answering 2xx, by webhook type.',
    labelNames: ['webhook_type'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });

  const undecryptable = new Gauge({
    name: 'herald_webhooks_undecryptable',
    help: "Enabled webhooks this process's HERALD_FERNET_KEYS cannot decrypt (their deliveries wait for a process that can).",
    registers: [registry],
  });
  const handedBack = new Counter({
    name: 'herald_deliveries_handed_back_total',
    help: 'Deliveries this process gave back to the queue, attempt not spent, because its keys cannot decrypt the webhook.',
    registers: [registry],
  });

  let clusterObserved = false;
  function observeCluster(sources: ClusterSources): void {
    if (clusterObserved) return;
    clusterObserved = true;
    const now = sources.now ?? Date.now;
    const queues = { alerts: sources.queues.alerts, deliveries: sources.queues.deliveries };
    new Gauge({
      name: 'herald_queue_waiting',
      help: 'Jobs waiting to be picked up (waiting and prioritized), per queue (collected at scrape).',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [name, queue] of Object.entries(queues)) {
          const count = await readyJobCount(queue).catch(() => null);
          if (count !== null) this.set({ queue: name }, count);
        }
      },
    });
    new Gauge({
      name: 'herald_queue_oldest_waiting_age_seconds',
      help: 'Seconds the oldest waiting job has been ready to run, per queue; 0 when none waits (collected at scrape).',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [name, queue] of Object.entries(queues)) {
          const age = await oldestWaitingAgeSeconds(queue, now()).catch(() => null);
          if (age !== null) this.set({ queue: name }, age);
        }
      },
    });
    // From the database, whatever Redis holds: an alert accepted but not delivered shows here even
    // when the queues look empty (Redis lost or refused its job).
    let signals: Promise<{ oldestUndeliveredAgeSeconds: number; stuckFanOut: number } | null> | null = null;
    const readSignals = () => {
      signals ??= undeliveredAlertSignals(sources.prisma, now(), STUCK_FAN_OUT_MS)
        .catch(() => null)
        .finally(() => setTimeout(() => (signals = null), 0).unref());
      return signals;
    };
    new Gauge({
      name: 'herald_oldest_undelivered_alert_age_seconds',
      help: 'Seconds since the oldest accepted alert that is not settled yet (queued or dispatched) was received; 0 when none (database, at scrape).',
      registers: [registry],
      async collect() {
        const read = await readSignals();
        if (read) this.set(read.oldestUndeliveredAgeSeconds);
      },
    });
    new Gauge({
      name: 'herald_fanout_stuck_alerts',
      help: `Accepted alerts still not routed to their webhooks ${STUCK_FAN_OUT_MS / 1000} s after receipt (database, at scrape).`,
      registers: [registry],
      async collect() {
        const read = await readSignals();
        if (read) this.set(read.stuckFanOut);
      },
    });
    const { redis, queuePrefix } = sources;
    if (redis) {
      new Gauge({
        name: 'herald_redis_write_state',
        help: 'Whether Redis takes writes: 1 for the current state (up, out_of_memory, persistence_failing, read_only, down), 0 for the others.',
        labelNames: ['state'] as const,
        registers: [registry],
        async collect() {
          const state = await probeRedisWrite(redis, `${queuePrefix ?? 'herald'}:metrics-probe`);
          for (const candidate of REDIS_WRITE_STATES) this.set({ state: candidate }, candidate === state ? 1 : 0);
        },
      });
    }
    new Counter({
      name: 'herald_delivery_attempts_total',
      help: 'HTTP delivery attempts recorded by every worker (from the attempt id sequence).',
      registers: [registry],
      async collect() {
        const total = await countAttemptsRecorded(sources.prisma).catch(() => null);
        if (total === null) return;
        this.reset();
        this.inc(total);
      },
    });
    new Gauge({
      name: 'herald_webhooks_disabled',
      help: 'Webhooks Herald has disabled (failing too long, gone at the provider, undecryptable); see disabled_reason in GET /v1/webhooks.',
      registers: [registry],
      async collect() {
        const count = await countDisabledWebhooks(sources.prisma).catch(() => null);
        if (count !== null) this.set(count);
      },
    });
    new Counter({
      name: 'herald_digests_sent_total',
      help: 'Quiet-hours digests dispatched to their webhooks, by scope.',
      labelNames: ['scope'] as const,
      registers: [registry],
      async collect() {
        const rows = await countDispatchedDigestsByScope(sources.prisma).catch(() => null);
        if (rows === null) return;
        this.reset();
        for (const scope of ['system', 'organization']) this.inc({ scope }, 0);
        for (const row of rows) this.inc({ scope: row.scope }, row.count);
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    alertsIngested(type, count = 1) {
      if (count > 0) ingested.inc({ type }, count);
    },
    deliveryFinished(event) {
      deliveries.inc({ outcome: event.outcome, webhook_type: event.webhookType });
      if (event.outcome === 'delivered' && event.latencyMs !== null && (event.kind ?? 'alert') === 'alert')
        latency.observe({ webhook_type: event.webhookType }, Math.max(0, event.latencyMs) / 1000);
    },
    webhooksUndecryptable: (count) => undecryptable.set(count),
    deliveryHandedBack: () => handedBack.inc(),
    observeCluster,
    render: () => registry.metrics(),
  };
}
