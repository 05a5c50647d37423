import { buildRoutingTable, type WebhookRoutingTable, type WebhookType } from '@herald/core';
import { loadRoutingSnapshot, type SqlSession } from '@herald/db';

/** A webhook as routing selects it, without its URL or secrets. */
export interface RoutingTarget {
  id: string;
  type: WebhookType;
  alertTypes: string[];
  /** Empty: every severity. */
  severities: string[];
  orgId: number | null;
}

/**
 * The routing table read now, from the same snapshot load as the cached directory, for a caller
 * that routes rarely and needs no secrets (the digest, once per quiet window).
 */
export async function loadRoutingTable(sql: SqlSession): Promise<WebhookRoutingTable<RoutingTarget>> {
  const { webhooks, enterpriseOrgIds } = await loadRoutingSnapshot(sql);
  return buildRoutingTable(
    webhooks.map(({ id, type, alertTypes, severities, orgId }) => ({ id, type, alertTypes, severities: severities ?? [], orgId })),
    enterpriseOrgIds,
  );
}
