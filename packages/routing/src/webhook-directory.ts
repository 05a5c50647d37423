import {
  buildRoutingTable,
  resolveChannelTarget,
  toQuietHoursSetting,
  type QuietHoursSetting,
  type WebhookRoutingTable,
} from '@herald/core';
import type { Logger, RedisTarget } from '@herald/config';
import { loadRoutingSnapshot, type SqlSession } from '@herald/db';
import { announceDirectoryChange, directoryChangesChannel, createRedisConnection } from '@herald/queue';
import type { Redis } from 'ioredis';
import type { ResolvedWebhook, EndpointRateLimit } from './resolved-webhook';

export interface SecretCodec {
  decrypt(token: string): string;
}

/** What routing needs of a webhook: which alerts it takes, and whose it is (its secrets may be sealed to this process). */
export interface RoutedWebhook {
  id: string;
  alertTypes: string[];
  orgId: number | null;
}

export interface DirectorySnapshot extends WebhookRoutingTable<RoutedWebhook> {
  /** Enabled webhooks this process could decrypt. */
  webhookById: Map<string, ResolvedWebhook>;
  /**
   * Enabled webhooks no key of this process opens. They stay routed (their deliveries are created
   * and wait for a process with the right keys); they are never disabled from here.
   */
  sealedWebhookIds: Set<string>;
  systemQuietHours: QuietHoursSetting | null;
  quietHoursByOrg: Map<number, QuietHoursSetting>;
  /** Registered printers: their organization and name. */
  printerById: Map<number, { orgId: number | null; name: string }>;
  loadedAtMs: number;
}

export interface WebhookDirectory {
  snapshot(): Promise<DirectorySnapshot>;
  /** Drops this process's cached snapshot: the next `snapshot()` reads the database. */
  refresh(): void;
  /** Drops the cached snapshot here and, through Redis, in every other process. */
  announceChange(): Promise<void>;
  /** Enabled webhooks the last snapshot could not decrypt with this process's keys (0 when the keys are right). */
  sealedCount(): number;
  close(): Promise<void>;
}

export interface WebhookDirectoryDeps {
  sql: SqlSession;
  codec: SecretCodec;
  logger: Logger;
  redis: RedisTarget | string;
  queuePrefix: string;
  /** Safety net for a missed change message. */
  maxAgeMs?: number;
  now?: () => number;
  /** After each load, with how many enabled webhooks this process's keys could not open (for metrics and readiness). */
  onSealed?(count: number): void;
}

/**
 * The cache of webhooks (decrypted once, not per delivery), organizations, printers and
 * quiet-hours settings that routing and delivery read. Changes are published on a Redis channel so every worker reloads.
 */
export function createWebhookDirectory(deps: WebhookDirectoryDeps): WebhookDirectory {
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  const channel = directoryChangesChannel(deps.queuePrefix);
  let current: Promise<DirectorySnapshot> | null = null;
  let generation = 0;
  let subscriber: Redis | null = null;
  let publisher: Redis | null = null;
  let sealed = 0;

  function invalidate(): void {
    generation += 1;
    current = null;
  }

  function ensureSubscribed(): void {
    if (subscriber) return;
    subscriber = createRedisConnection(deps.redis, 'subscriber');
    subscriber.on('message', () => invalidate());
    // After a reconnect we may have missed messages: reload.
    subscriber.on('ready', () => invalidate());
    void subscriber.subscribe(channel).catch(() => undefined);
  }

  async function load(): Promise<DirectorySnapshot> {
    const { webhooks, enterpriseOrgIds, orgPrivateTargets, quietHours, printers } = await loadRoutingSnapshot(deps.sql);
    const privateTargetsByOrg = new Map(orgPrivateTargets.map((org) => [org.id, org.allowedPrivateTargets]));
    const resolved: ResolvedWebhook[] = [];
    const undecryptable: RoutedWebhook[] = [];
    for (const row of webhooks) {
      try {
        const secrets = [row.signingSecretEncrypted];
        if (row.previousSigningSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > now()) {
          secrets.push(row.previousSigningSecretEncrypted);
        }
        const url = deps.codec.decrypt(row.urlEncrypted);
        resolved.push({
          id: row.id,
          name: row.name,
          type: row.type,
          url,
          target: resolveChannelTarget(row.type, url),
          headers: row.headersEncrypted ? (JSON.parse(deps.codec.decrypt(row.headersEncrypted)) as Record<string, string>) : {},
          alertTypes: row.alertTypes,
          severities: row.severities ?? [],
          orgId: row.orgId,
          signingSecrets: secrets.filter((s): s is string => !!s).map((s) => deps.codec.decrypt(s)),
          retryScheduleSeconds: row.retrySchedule,
          rateLimit: (row.rateLimit as EndpointRateLimit | null) ?? null,
          allowedPrivateTargets: row.orgId === null ? null : (privateTargetsByOrg.get(row.orgId) ?? []),
        });
      } catch {
        undecryptable.push({ id: row.id, alertTypes: row.alertTypes, orgId: row.orgId });
      }
    }
    // Another process (or keys:rotate, which sees every key) may well open them: this one only
    // reports itself unready and leaves their deliveries for a process that can.
    if (undecryptable.length > 0) {
      deps.logger.error(
        { webhookIds: undecryptable.map((w) => w.id) },
        "webhook secrets cannot be decrypted with this process's HERALD_FERNET_KEYS: their deliveries wait for a process with the right keys",
      );
    }
    sealed = undecryptable.length;
    deps.onSealed?.(sealed);
    const quietHoursByOrg = new Map<number, QuietHoursSetting>();
    let systemQuietHours: QuietHoursSetting | null = null;
    for (const row of quietHours) {
      const setting = toQuietHoursSetting(row);
      if (row.orgId === null) systemQuietHours = setting;
      else quietHoursByOrg.set(row.orgId, setting);
    }
    return {
      ...buildRoutingTable<RoutedWebhook>([...resolved, ...undecryptable], enterpriseOrgIds),
      webhookById: new Map(resolved.map((w) => [w.id, w])),
      sealedWebhookIds: new Set(undecryptable.map((w) => w.id)),
      systemQuietHours,
      quietHoursByOrg,
      printerById: new Map(printers.map(({ id, orgId, name }) => [id, { orgId, name }])),
      loadedAtMs: now(),
    };
  }

  return {
    async snapshot() {
      ensureSubscribed();
      if (current) {
        const snap = await current;
        if (now() - snap.loadedAtMs <= maxAgeMs) return snap;
        invalidate();
      }
      const loadingGeneration = generation;
      const loading = load();
      current = loading;
      loading.catch(() => {
        if (current === loading) current = null;
      });
      const snap = await loading;
      // A change announced while loading makes this snapshot stale for the next caller.
      if (generation !== loadingGeneration && current === loading) current = null;
      return snap;
    },
    refresh: invalidate,
    sealedCount: () => sealed,
    async announceChange() {
      invalidate();
      // Queued while the connection is still being made: the first announcement must not be dropped.
      publisher ??= createRedisConnection(deps.redis, 'producer', { enableOfflineQueue: true });
      try {
        await announceDirectoryChange(publisher, deps.queuePrefix);
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not announce a webhook change; other workers reload within a minute');
      }
    },
    async close() {
      await Promise.all([subscriber?.quit().catch(() => undefined), publisher?.quit().catch(() => undefined)]);
      subscriber = null;
      publisher = null;
    },
  };
}
