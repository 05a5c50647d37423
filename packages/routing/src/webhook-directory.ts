import {
  buildRoutingTable,
  resolveChannelTarget,
  toQuietHoursSetting,
  type QuietHoursSetting,
  type WebhookRoutingTable,
} from '@herald/core';
import type { Logger, RedisTarget } from '@herald/config';
import { disableUndecryptableWebhooks, loadRoutingSnapshot, type SqlSession } from '@herald/db';
import { announceDirectoryChange, directoryChangesChannel, createRedisConnection } from '@herald/queue';
import type { Redis } from 'ioredis';
import type { ResolvedWebhook, EndpointRateLimit } from './resolved-webhook';

export interface SecretCodec {
  decrypt(token: string): string;
}

export interface DirectorySnapshot extends WebhookRoutingTable<ResolvedWebhook> {
  webhookById: Map<string, ResolvedWebhook>;
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
    const { webhooks, enterpriseOrgIds, quietHours, printers } = await loadRoutingSnapshot(deps.sql);
    const resolved: ResolvedWebhook[] = [];
    const undecryptable: string[] = [];
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
        });
      } catch {
        undecryptable.push(row.id);
      }
    }
    if (undecryptable.length > 0) {
      deps.logger.error({ webhookIds: undecryptable }, 'webhook secrets cannot be decrypted with the configured keys: disabling them');
      await disableUndecryptableWebhooks(deps.sql, undecryptable, now());
    }
    const quietHoursByOrg = new Map<number, QuietHoursSetting>();
    let systemQuietHours: QuietHoursSetting | null = null;
    for (const row of quietHours) {
      const setting = toQuietHoursSetting(row);
      if (row.orgId === null) systemQuietHours = setting;
      else quietHoursByOrg.set(row.orgId, setting);
    }
    return {
      ...buildRoutingTable(resolved, enterpriseOrgIds),
      webhookById: new Map(resolved.map((w) => [w.id, w])),
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
