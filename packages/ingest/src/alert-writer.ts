import type { NormalizedAlertInput } from '@herald/core';
import { type Prisma, type PrismaClient, uuidv7 } from '@herald/db';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface SavedAlertRef {
  id: string;
  /** False when the dedupe key matched an alert saved earlier: nothing new was created. */
  created: boolean;
}

/**
 * Saves validated alerts in one insert. The alert's organization is its printer's at ingest time;
 * an unknown printer has none. Returns one ref per input, in input order.
 */
export async function saveAlerts(
  prisma: PrismaClient,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
  nowMs: number,
): Promise<SavedAlertRef[]> {
  const printerIds = [...new Set(inputs.map((input) => input.printerId))];
  const printers = await prisma.printer.findMany({
    where: { id: { in: printerIds } },
    select: { id: true, orgId: true, name: true },
  });
  const printerById = new Map(printers.map((printer) => [printer.id, printer]));

  if (source.orgId !== null) {
    const foreign = inputs
      .map((input, index) => ({ input, index }))
      .filter(({ input }) => printerById.get(input.printerId)?.orgId !== source.orgId);
    if (foreign.length > 0) {
      throw new AlertRejectedError(
        403,
        foreign.map(({ index }) => ({
          field: inputs.length > 1 ? `alerts.${index}.printer_id` : 'printer_id',
          message: "is not a printer of this token's organization",
        })),
      );
    }
  }

  const existingByKey = await findExistingByDedupeKey(prisma, inputs, source);
  const refs: SavedAlertRef[] = [];
  const rows: Prisma.AlertCreateManyInput[] = [];
  const newIdByKey = new Map<string, string>();
  for (const input of inputs) {
    const key = input.dedupeKey;
    const earlier = key === null ? undefined : (existingByKey.get(key) ?? newIdByKey.get(key));
    if (earlier !== undefined) {
      refs.push({ id: earlier, created: false });
      continue;
    }
    const id = uuidv7(nowMs);
    if (key !== null) newIdByKey.set(key, id);
    const printer = printerById.get(input.printerId);
    refs.push({ id, created: true });
    rows.push({
      id,
      type: input.type,
      severity: input.severity,
      title: input.title,
      message: input.message,
      printerId: input.printerId,
      printerName: input.printerName ?? printer?.name ?? null,
      orgId: printer?.orgId ?? null,
      occurredAt: new Date(input.occurredAtMs),
      receivedAt: new Date(nowMs),
      data: input.data ?? undefined,
      source: source.id,
      dedupeKey: key,
      status: 'queued',
    });
  }
  if (rows.length === 0) return refs;

  await prisma.alert.createMany({ data: rows, skipDuplicates: true });
  if (newIdByKey.size === 0) return refs;

  // A concurrent request may have won a dedupe key between our read and insert: answer with its id.
  const winners = await findExistingByDedupeKey(prisma, inputs, source);
  return refs.map((ref, index) => {
    const key = inputs[index]?.dedupeKey;
    const winner = key ? winners.get(key) : undefined;
    return winner !== undefined && winner !== ref.id ? { id: winner, created: false } : ref;
  });
}

async function findExistingByDedupeKey(
  prisma: PrismaClient,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
): Promise<Map<string, string>> {
  const keys = [...new Set(inputs.flatMap((input) => (input.dedupeKey === null ? [] : [input.dedupeKey])))];
  if (keys.length === 0) return new Map();
  const existing = await prisma.alert.findMany({
    where: { source: source.id, dedupeKey: { in: keys } },
    select: { id: true, dedupeKey: true },
  });
  return new Map(existing.map((row) => [row.dedupeKey as string, row.id]));
}
