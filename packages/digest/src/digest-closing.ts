import { quietWindowContaining, type QuietHoursSetting } from '@herald/core';
import type { Logger } from '@herald/config';
import {
  claimDigestWindow,
  findHeldAlertScopes,
  findOrganization,
  lastDigestTimezone,
  scopesWithOpenClaims,
  type ClaimedDigest,
  type PrismaClient,
} from '@herald/db';
import { parseScopeKey } from './digest-scopes';

const MINUTE_MS = 60_000;

export interface ClosingDigestDeps {
  prisma: PrismaClient;
  logger: Logger;
  processId: string;
}

/**
 * Claims a closing digest for each scope that still holds alerts no quiet window will take: its
 * quiet hours were switched off or removed mid-window, or changed so that the window that held them
 * never comes again (or the alerts were held after their window's digest had gone). Run after the
 * tick's ordinary windows were sent, so those sweep their alerts first.
 *
 * A scope is left alone while:
 * - a digest of it is claimed and not yet dispatched (here or in another process, or waiting for
 *   takeover): that digest sweeps the scope's held alerts, and the next tick looks again;
 * - its setting says digest: false (held alerts are then never summarised, as for ended windows);
 * - its quiet hours are on and a window is open now: that window's digest takes every held alert;
 * - it is an organization that no longer exists: deleting one cascades to its digests, which
 *   un-links the alerts they had already sent, so they cannot be told apart from unsent ones.
 *
 * The closing window ends at the tick's minute (so digest processes ticking in the same minute claim
 * the same row and one sends it; a later tick claims a new row if anything is still held) and starts
 * where the setting's hours put the window of the earliest held alert, or at that alert's minute.
 * Sweeping is by the ordinary dispatch: held alerts of the scope that occurred before the end.
 */
export async function claimClosingDigests(
  deps: ClosingDigestDeps,
  settings: ReadonlyMap<string, QuietHoursSetting>,
  nowMs: number,
): Promise<ClaimedDigest[]> {
  const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  // Open claims first: a claim found dispatched here has already swept what the next query sees.
  const openClaims = await scopesWithOpenClaims(deps.prisma);
  const held = await findHeldAlertScopes(deps.prisma, endMs);

  const claimed: ClaimedDigest[] = [];
  for (const group of held) {
    const scope = group.quietScope === null ? null : parseScopeKey(group.quietScope);
    const earliest = group.earliestMs;
    if (!scope || earliest === undefined || openClaims.has(scope.scopeKey)) continue;
    const setting = settings.get(scope.scopeKey) ?? null;
    if (setting && !setting.digest) continue;
    if (setting?.enabled && quietWindowContaining(setting, nowMs)) continue;
    if (!setting && scope.orgId !== null && !(await findOrganization(deps.prisma, scope.orgId))) {
      deps.logger.debug({ scope: scope.scopeKey }, 'held alerts of a deleted organization are not sent');
      continue;
    }

    const timezone = setting?.timezone ?? (await lastDigestTimezone(deps.prisma, scope.scopeKey)) ?? 'UTC';
    const heldIn = setting ? quietWindowContaining({ ...setting, enabled: true }, earliest) : null;
    const startMs = heldIn ? heldIn.startMs : Math.floor(earliest / MINUTE_MS) * MINUTE_MS;
    const digest = await claimDigestWindow(deps.prisma, { ...scope, timezone }, { startMs, endMs }, deps.processId, nowMs);
    if (digest) claimed.push(digest);
  }
  return claimed;
}
