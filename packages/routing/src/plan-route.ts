import { decideDelivery, selectWebhooksForAlert, type AlertView, type RoutePlan } from '@herald/core';
import { isWindowClaimed, type SqlSession } from '@herald/db';
import type { DirectorySnapshot } from './webhook-directory';

/** Whether the digest of a quiet window has already been claimed (then its late alerts go out now). */
export type DigestClaimCheck = (scopeKey: string, window: { startMs: number; endMs: number }) => Promise<boolean>;

/**
 * Decides where an alert goes now, from one directory snapshot: held for the quiet-hours digest,
 * or sent to every matching webhook (possibly none). `decideQuietHours` is false for an alert
 * already dispatched once, which is only re-sent to its targets.
 */
export async function planRoute(
  alert: AlertView,
  snapshot: DirectorySnapshot,
  digestClaimed: DigestClaimCheck,
  decideQuietHours = true,
): Promise<RoutePlan> {
  if (decideQuietHours) {
    const decision = decideDelivery({
      alert,
      systemQuietHours: snapshot.systemQuietHours,
      orgQuietHours: alert.orgId === null ? null : (snapshot.quietHoursByOrg.get(alert.orgId) ?? null),
    });
    if (decision.action === 'suppress' && !(await digestClaimed(decision.scope, decision.window))) {
      return { action: 'suppress', reason: decision.reason, scope: decision.scope };
    }
  }
  const webhookIds = selectWebhooksForAlert(alert, snapshot).map((webhook) => webhook.id);
  return webhookIds.length === 0 && decideQuietHours ? { action: 'no_targets' } : { action: 'dispatch', webhookIds };
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
