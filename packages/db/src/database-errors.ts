/**
 * Errors that mean "the database cannot do this right now" rather than "the query is wrong":
 * unreachable, out of connections, shutting down or starting, a serialization conflict, a deadlock
 * victim, a lock or statement timeout, out of resources. Each is an outage for whoever meets it:
 * ingest answers 503 with Retry-After, workers pause and retry without spending an attempt.
 */
const UNAVAILABLE_CODES = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // PostgreSQL SQLSTATEs
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '08P01', // protocol_violation (a pooler dropping the session)
  '25P03', // idle_in_transaction_session_timeout
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
  '58000', // system_error
  '58030', // io_error
  // Prisma
  'P1001', // can't reach database server
  'P1002', // reached but timed out
  'P1008', // operations timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2034', // transaction failed: write conflict or deadlock
  // Prisma driver-adapter error kinds
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
]);

const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|terminating connection|Can't reach database|timeout exceeded when trying to connect|too many clients|remaining connection slots are reserved|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|Connection pool exhausted/i;

function collectCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 4) return [];
  const e = error as { code?: unknown; cause?: unknown; originalCode?: unknown; kind?: unknown; meta?: unknown; message?: unknown };
  const codes: string[] = [];
  for (const value of [e.code, e.originalCode, e.kind]) if (typeof value === 'string') codes.push(value);
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) codes.push('ECONNREFUSED');
  return [...codes, ...collectCodes(e.cause, depth + 1), ...collectCodes(e.meta, depth + 1)];
}

/** True when an error means the database cannot serve this now (see UNAVAILABLE_CODES), not that the query is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return collectCodes(error).some((code) => UNAVAILABLE_CODES.has(code));
}
