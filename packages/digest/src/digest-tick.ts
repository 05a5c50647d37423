import { endedWindows, type QuietHoursSetting } from '@herald/core';
import type { Logger } from '@herald/config';
import {
  adoptLegacyHolds,
  claimDigestWindow,
  reclaimStaleDigests,
  type ClaimedDigest,
  type PrismaClient,
  type SqlSession,
} from '@herald/db';
import type { HeraldQueues } from '@herald/queue';
import { claimClosingDigests } from './digest-closing';
import { presentDigest } from './digest-label';
import { loadQuietHourSettings } from './digest-scopes';
import { dispatchDigest } from './dispatch-digest';

export interface DigestTickDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same database: the routing snapshot's load. */
  sql: SqlSession;
  queues: HeraldQueues;
  logger: Logger;
  now: () => number;
  /** Windows that ended within this horizon are still sent (Herald was down when they ended). */
  catchUpMs: number;
  /** A claim older than this that was never dispatched is taken over. */
  claimStaleAfterMs: number;
  processId: string;
}

export interface DigestTickResult {
  dispatched: { digestId: string; scopeKey: string; alertCount: number; deliveryCount: number; closing: boolean }[];
}

/**
 * One run of the digest cron: claim and send every ended window; resume claims whose owner died;
 * then send a closing digest for held alerts no window will take (quiet hours switched off, removed
 * or changed mid-window).
 */
export async function runDigestTick(deps: DigestTickDeps): Promise<DigestTickResult> {
  const nowMs = deps.now();
  await adoptLegacyHolds(deps.sql);
  const settings = await loadQuietHourSettings(deps.prisma);
  const settingByScope = new Map<string, QuietHoursSetting>(settings.map((scope) => [scope.scopeKey, scope.setting]));
  const work: ClaimedDigest[] = [];
  for (const { scopeKey, orgId, setting } of settings) {
    if (!setting.enabled || !setting.digest) continue;
    for (const window of endedWindows(setting, { afterMs: nowMs - deps.catchUpMs, beforeMs: nowMs })) {
      const claimed = await claimDigestWindow(deps.prisma, { scopeKey, orgId, timezone: setting.timezone }, window, deps.processId, nowMs);
      if (claimed) work.push(claimed);
    }
  }
  work.push(...(await reclaimStaleDigests(deps.prisma, deps.processId, nowMs, deps.claimStaleAfterMs)));

  const result: DigestTickResult = { dispatched: [] };
  const dispatchAll = async (digests: ClaimedDigest[]): Promise<void> => {
    for (const digest of digests) {
      // A claim is always sent, even if quiet hours were switched off or changed since.
      const presentation = presentDigest(digest, settingByScope.get(digest.scopeKey) ?? null);
      const sent = await dispatchDigest(deps, digest, presentation);
      deps.logger.info(
        { digestId: digest.id, scope: digest.scopeKey, closing: presentation.closing, window: presentation.windowLabel, ...sent },
        sent.deliveryCount > 0 ? 'digest dispatched' : 'quiet window ended with nothing to send',
      );
      result.dispatched.push({ digestId: digest.id, scopeKey: digest.scopeKey, closing: presentation.closing, ...sent });
    }
  };
  await dispatchAll(work);
  // After the windows above are sent, so each has swept its own alerts first.
  await dispatchAll(await claimClosingDigests(deps, settingByScope, nowMs));
  return result;
}
