import {
  decideQuietHolds,
  holdReaches,
  selectWebhooksForAlert,
  type AlertView,
  type HoldAudience,
  type RouteHold,
  type RoutePlan,
} from '@herald/core';
import { isWindowClaimed, type SqlSession } from '@herald/db';
import type { DirectorySnapshot } from './webhook-directory';

/** Whether the digest of a quiet window has already been claimed (then its late alerts go out now). */
export type DigestClaimCheck = (scopeKey: string, window: { startMs: number; endMs: number }) => Promise<boolean>;

/**
 * Decides where an alert goes now, from one directory snapshot: each quiet-hours scope whose window
 * holds it keeps it from that scope's webhooks for the scope's digest; every other matching webhook
 * gets it now. Nothing sent now and some scope holding: `suppress`.
 *
 * `alreadyHeld` is null for an alert routed the first time. For an alert already dispatched once it
 * lists the audiences its holds keep it from: it is only re-sent to its other targets.
 */
export async function planRoute(
  alert: AlertView,
  snapshot: DirectorySnapshot,
  digestClaimed: DigestClaimCheck,
  alreadyHeld: readonly HoldAudience[] | null = null,
): Promise<RoutePlan> {
  const holds: RouteHold[] = [];
  if (alreadyHeld === null) {
    const decided = decideQuietHolds({
      alert,
      systemQuietHours: snapshot.systemQuietHours,
      orgQuietHours: alert.orgId === null ? null : (snapshot.quietHoursByOrg.get(alert.orgId) ?? null),
    });
    for (const { scope, audience, window, reason } of decided) {
      if (!(await digestClaimed(scope, window))) holds.push({ scope, audience, reason });
    }
  }
  const heldAudiences = alreadyHeld ?? holds.map((hold) => hold.audience);
  const webhookIds = selectWebhooksForAlert(alert, snapshot)
    .filter((webhook) => !heldAudiences.some((audience) => holdReaches(audience, webhook.orgId)))
    .map((webhook) => webhook.id);
  const [first] = holds;
  if (webhookIds.length === 0 && first) {
    return { action: 'suppress', reason: holds.map((hold) => hold.reason).join('; '), scope: first.scope, holds };
  }
  return webhookIds.length === 0 && alreadyHeld === null ? { action: 'no_targets' } : { action: 'dispatch', webhookIds, holds };
}

/**
 * An alert routed after its quiet window's digest was claimed (a late arrival or a backlog) is
 * delivered now rather than held for a digest that has gone. Asked once per (scope, window) for
 * a whole batch of alerts.
 */
export function digestClaimChecker(deps: { sql: SqlSession; now: () => number }): DigestClaimCheck {
  const answers = new Map<string, Promise<boolean>>();
  return (scopeKey, window) => {
    if (window.endMs > deps.now()) return Promise.resolve(false);
    const key = `${scopeKey} ${window.startMs} ${window.endMs}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = isWindowClaimed(deps.sql, scopeKey, window);
      answers.set(key, answer);
    }
    return answer;
  };
}
