import type { AlertRecord } from '../alerts/alert-types';

/** Where one alert goes now: to these webhooks, into a quiet-hours digest, or nowhere. */
export type RoutePlan =
  { action: 'dispatch'; webhookIds: string[] } | { action: 'suppress'; reason: string; scope: string } | { action: 'no_targets' };

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
