import { toQuietHoursSetting, type QuietHoursSetting } from '@herald/core';
import type { PrismaClient } from '@herald/db';

export interface DigestScopeSetting {
  scopeKey: 'system' | `org:${number}`;
  orgId: number | null;
  setting: QuietHoursSetting;
}

/** Every scope whose quiet hours are on; the digest flag is checked by the caller. */
export async function loadQuietHourScopes(prisma: PrismaClient): Promise<DigestScopeSetting[]> {
  const rows = await prisma.quietHoursSetting.findMany({ where: { enabled: true } });
  return rows.map((row) => ({
    scopeKey: row.orgId === null ? 'system' : (`org:${row.orgId}` as const),
    orgId: row.orgId,
    setting: toQuietHoursSetting(row),
  }));
}
