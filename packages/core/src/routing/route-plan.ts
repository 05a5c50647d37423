import type { AlertRecord } from '../alerts/alert-types';
import type { HoldAudience } from '../quiet-hours';

/** A quiet-hours scope ("system" or "org:<id>") holding an alert back from its audience's webhooks for its digest. */
export interface RouteHold {
  scope: string;
  audience: HoldAudience;
  reason: string;
}

/**
 * Where one alert goes now: to these webhooks (while `holds` keep it from others for their digests),
 * only into quiet-hours digests (nothing sent now; `scope` and `reason` are the first hold's, `reason`
 * names every one), or nowhere.
 */
export type RoutePlan =
  | { action: 'dispatch'; webhookIds: string[]; holds: RouteHold[] }
  | { action: 'suppress'; reason: string; scope: string; holds: RouteHold[] }
  | { action: 'no_targets' };

/** A new alert's route, decided from a cache: the organization it took for the alert's printer, and the plan. */
export interface AlertRoute {
  orgId: number | null;
  plan: RoutePlan;
}

/**
 * Routing at ingest, from a cached directory of printers, webhooks and quiet hours. The cache may
 * be stale, so whoever saves the alerts checks each printer's organization against `orgId` and
 * calls `refresh` when one differs.
 */
export interface AlertRouter {
  route(alerts: readonly AlertToRoute[]): Promise<AlertRoute[]>;
  refresh(): void;
}

/** What routing reads of a new alert; its organization is the router's to find. */
export type AlertToRoute = Omit<AlertRecord, 'orgId'>;
