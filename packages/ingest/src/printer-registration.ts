import type { NormalizedAlertInput } from '@herald/core';
import { registerUnknownPrinters, type SqlSession } from '@herald/db';

/** Printer ids this process has registered or seen registered; past this many it starts over (a bound on memory). */
const MAX_REMEMBERED = 100_000;

/**
 * Registers the printers of saved alerts that Herald does not know yet (named from `printer_name`, no
 * organization), so an operator finds them in GET /v1/printers and can assign them. Each printer id
 * costs one statement the first time this process sees it, none after.
 */
export function createPrinterRegistration(sql: SqlSession) {
  const seen = new Set<number>();
  return async function registerPrinters(alerts: readonly NormalizedAlertInput[]): Promise<void> {
    const fresh = new Map<number, string>();
    for (const alert of alerts) {
      if (!seen.has(alert.printerId) && !fresh.has(alert.printerId)) {
        fresh.set(alert.printerId, alert.printerName ?? `Printer ${alert.printerId}`);
      }
    }
    if (fresh.size === 0) return;
    await registerUnknownPrinters(
      sql,
      [...fresh].map(([id, name]) => ({ id, name })),
    );
    if (seen.size + fresh.size > MAX_REMEMBERED) seen.clear();
    for (const id of fresh.keys()) seen.add(id);
  };
}
