import { toAlertView, type AlertRouter } from '@herald/core';
import type { SqlSession } from '@herald/db';
import type { WebhookDirectory } from './webhook-directory';
import { digestClaimChecker, planRoute } from './plan-route';

/** The API's router: printers' organizations, webhooks and quiet hours all from the cached directory. */
export function createIngestRouter(deps: { sql: SqlSession; directory: WebhookDirectory; now: () => number }): AlertRouter {
  return {
    async route(alerts) {
      const snapshot = await deps.directory.snapshot();
      const digestClaimed = digestClaimChecker(deps);
      return Promise.all(
        alerts.map(async (alert) => {
          const orgId = snapshot.printerById.get(alert.printerId)?.orgId ?? null;
          return { orgId, plan: await planRoute(toAlertView({ ...alert, orgId }), snapshot, digestClaimed) };
        }),
      );
    },
    refresh: () => deps.directory.refresh(),
  };
}
