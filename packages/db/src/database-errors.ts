const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08004',
  '08006',
  'P1001', // Prisma: can't reach database server
  'P1002',
  'P1017', // Prisma: server closed the connection
  'P2024', // Prisma: timed out fetching a connection from the pool
]);

function collectCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 4) return [];
  const e = error as { code?: unknown; cause?: unknown; originalCode?: unknown; kind?: unknown; meta?: unknown; message?: unknown };
  const codes: string[] = [];
  for (const value of [e.code, e.originalCode, e.kind]) if (typeof value === 'string') codes.push(value);
  if (
    typeof e.message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|terminating connection|Can't reach database|timeout exceeded when trying to connect/i.test(
      e.message,
    )
  ) {
    codes.push('ECONNREFUSED');
  }
  return [...codes, ...collectCodes(e.cause, depth + 1), ...collectCodes(e.meta, depth + 1)];
}

/** True when an error means "the database is not reachable right now" rather than "the query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  return collectCodes(error).some((code) => UNAVAILABLE_CODES.has(code) || code === 'DatabaseNotReachable' || code === 'ConnectionClosed');
}
