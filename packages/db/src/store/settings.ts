import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** Quiet-hours settings (system-wide and per organization) and system settings. */

/** Every stored quiet-hours setting, switched on or off. */
export async function findQuietHoursSettings(prisma: PrismaClient) {
  return prisma.quietHoursSetting.findMany();
}

/** The quiet-hours setting of a scope ("system" or "org:<id>"), or null when never saved. */
export async function findQuietHoursSetting(prisma: PrismaClient, scope: string) {
  return prisma.quietHoursSetting.findUnique({ where: { scope } });
}

export async function saveQuietHoursSetting(
  prisma: PrismaClient,
  scope: string,
  data: Omit<Prisma.QuietHoursSettingUncheckedCreateInput, 'scope' | 'updatedAt'>,
) {
  return prisma.quietHoursSetting.upsert({ where: { scope }, create: { scope, ...data }, update: data });
}
