import { findOrgPrivateTargets } from '@herald/db';
import { AllowListEntryError, allowListOf, ORG_ALLOW_LIST_NAME, parseAllowList, type AllowList } from '@herald/net-guard';
import type { ServerDeps } from '../server-deps';

/**
 * The private targets a webhook may reach: HERALD_ALLOWED_PRIVATE_TARGETS for a system webhook
 * (orgId null), its organization's own allow-list otherwise (read now, not from a cache, so a grant
 * or a revocation counts at the next save or test send). An entry that no longer parses makes the
 * list empty: fail closed.
 */
export async function privateTargetsOf(deps: Pick<ServerDeps, 'config' | 'prisma'>, orgId: number | null): Promise<AllowList> {
  if (orgId === null) return allowListOf(deps.config.allowedPrivateTargets);
  const entries = await findOrgPrivateTargets(deps.prisma, orgId);
  try {
    return parseAllowList(entries, ORG_ALLOW_LIST_NAME);
  } catch {
    return parseAllowList([], ORG_ALLOW_LIST_NAME);
  }
}

/** 400 problems for an allow-list given in a request body, one per entry that does not parse. */
export function allowListProblems(field: string, entries: readonly string[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  entries.forEach((entry, index) => {
    try {
      parseAllowList([entry], ORG_ALLOW_LIST_NAME);
    } catch (error) {
      const message = error instanceof AllowListEntryError ? error.problem : `'${entry}' is not a CIDR or an IP address`;
      problems.push({ field: `${field}.${index}`, message });
    }
  });
  return problems;
}
