import { endedWindows } from '@herald/core';
import type { Logger } from '@herald/config';
import type { PrismaClient } from '@herald/db';
import type { HeraldQueues } from '@herald/queue';
import { claimWindow, reclaimStale, type ClaimedDigest } from './digest-claims';
import { loadQuietHourScopes, type DigestScopeSetting } from './digest-scopes';
import { dispatchDigest } from './dispatch-digest';

export interface DigestTickDeps {
  prisma: PrismaClient;
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
  dispatched: { digestId: string; scopeKey: string; alertCount: number; deliveryCount: number }[];
}

/** One run of the digest cron: claim and send every ended window; resume claims whose owner died. */
export async function runDigestTick(deps: DigestTickDeps): Promise<DigestTickResult> {
  const nowMs = deps.now();
  const scopes = (await loadQuietHourScopes(deps.prisma)).filter((scope) => scope.setting.digest);
  const settingByScope = new Map<string, DigestScopeSetting>(scopes.map((scope) => [scope.scopeKey, scope]));
  const work: ClaimedDigest[] = [];
  for (const scope of scopes) {
    for (const window of endedWindows(scope.setting, { afterMs: nowMs - deps.catchUpMs, beforeMs: nowMs })) {
      const claimed = await claimWindow(deps.prisma, scope, window, deps.processId, nowMs);
      if (claimed) work.push(claimed);
    }
  }
  work.push(...(await reclaimStale(deps.prisma, deps.processId, nowMs, deps.claimStaleAfterMs)));

  const result: DigestTickResult = { dispatched: [] };
  for (const digest of work) {
    const scope = settingByScope.get(digest.scopeKey);
    // Quiet hours switched off since the claim: the held alerts still deserve their digest.
    const setting = scope?.setting ?? {
      enabled: false,
      start: '00:00',
      end: '00:01',
      timezone: digest.timezone,
      digest: true,
      bypassSeverities: [],
      digestWhenEmpty: false,
    };
    const sent = await dispatchDigest(deps, digest, setting);
    deps.logger.info(
      { digestId: digest.id, scope: digest.scopeKey, ...sent },
      sent.deliveryCount > 0 ? 'digest dispatched' : 'quiet window ended with nothing to send',
    );
    result.dispatched.push({ digestId: digest.id, scopeKey: digest.scopeKey, ...sent });
  }
  return result;
}
