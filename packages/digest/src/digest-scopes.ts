import { toQuietHoursSetting, type QuietHoursSetting } from '@herald/core';
import { findQuietHoursSettings, type PrismaClient } from '@herald/db';

export type DigestScopeKey = 'system' | `org:${number}`;

export interface DigestScopeSetting {
  scopeKey: DigestScopeKey;
  orgId: number | null;
  setting: QuietHoursSetting;
}

/**
 * Every stored quiet-hours setting, switched on or off: windows are claimed for the enabled ones,
 * and a switched-off setting still says whether (digest) and how to close what it held.
 */
export async function loadQuietHourSettings(prisma: PrismaClient): Promise<DigestScopeSetting[]> {
  const rows = await findQuietHoursSettings(prisma);
  return rows.map((row) => ({
    scopeKey: row.orgId === null ? 'system' : (`org:${row.orgId}` as const),
    orgId: row.orgId,
    setting: toQuietHoursSetting(row),
  }));
}

/** "system" or "org:<id>" as a quiet-hours hold stores its scope; null for anything else. */
export function parseScopeKey(key: string): { scopeKey: DigestScopeKey; orgId: number | null } | null {
  if (key === 'system') return { scopeKey: 'system', orgId: null };
  const match = /^org:([1-9]\d{0,9})$/.exec(key);
  if (!match) return null;
  const orgId = Number(match[1]);
  return Number.isSafeInteger(orgId) && orgId <= 2_147_483_647 ? { scopeKey: `org:${orgId}`, orgId } : null;
}
