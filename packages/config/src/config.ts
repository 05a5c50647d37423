import path from 'node:path';
import { AllowListEntryError, parseAllowList } from '@herald/net-guard';
import { ConfigError } from './config-error';
import { readRedisTarget, type RedisTarget } from './redis-target';
import { type Env, readBool, readEnum, readInt, readList, readOptional, readString, readUrl } from './env-readers';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HeraldConfig {
  /** `production` refuses generated secrets and insists on explicit configuration. */
  mode: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Unset: single-node PGlite under dataDir. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Named prepared statements on the hot path; off behind PgBouncer < 1.21 in transaction mode. */
  databasePreparedStatements: boolean;
  dataDir: string;
  /** REDIS_URL as given (a redis-cluster:// URL with a cluster); use `redis` to connect. */
  redisUrl: string;
  redis: RedisTarget;
  /** Hash-tagged so every Herald key lands in one Redis Cluster slot. */
  queuePrefix: string;
  /** Newest first; empty means "generate one into dataDir" (single-node development only). */
  fernetKeys: string[];
  adminToken: string | undefined;
  metricsToken: string | undefined;
  /**
   * Browser sessions (console and dashboard): idle and absolute lifetime, and how often an open event
   * stream checks that its session (or bearer token) is still good.
   */
  session: { idleMinutes: number; maxHours: number; streamRecheckSeconds: number };
  /** Failed authentications allowed per client address (and per token prefix) in one window before 429. */
  authThrottle: { failures: number; windowSeconds: number };
  log: { level: LogLevel; pretty: boolean };
  worker: {
    concurrency: number;
    shutdownGraceMs: number;
    connectTimeoutMs: number;
    requestTimeoutMs: number;
    /** Seconds between attempts after the first one. */
    retryScheduleSeconds: number[];
    /** Endpoint health: disable after this many consecutive failures spanning at least healthWindowMs. */
    healthFailureThreshold: number;
    healthWindowMs: number;
    /** Per-endpoint rate limits on (default) or off (benchmarks). */
    rateLimits: boolean;
    /** Requests in flight to one endpoint across all workers, so a slow endpoint cannot take every worker slot (with rateLimits). */
    endpointConcurrency: number;
    /**
     * Requests in flight to one host:port across all its endpoints and workers (0: no cap). An endpoint
     * with nothing in flight may still send one, so hung endpoints cannot starve a healthy one beside them.
     */
    hostConcurrency: number;
    /** Separate worker processes serve /metrics here when set. */
    metricsPort: number | undefined;
    /** How long a job stays locked to a worker without renewal: a killed worker's jobs return after about this long. */
    jobLockMs: number;
    /** First delay before a job that failed on an error of Herald's own runs again (doubling, capped at 5 min). */
    jobBackoffMs: number;
    /** A request not answered within this time goes on without holding a job slot (slow endpoints use sockets, not slots). */
    detachAfterMs: number;
  };
  sweeper: { intervalMs: number; staleAfterMs: number };
  digest: { cron: string; catchUpHours: number };
  retention: { attemptDays: number };
  api: { rateLimitPerMinute: number; maxBatch: number; maxWebhooksPerOrg: number };
  allowedPrivateTargets: string[];
  /** Fastify's trustProxy: whose X-Forwarded-For/-Proto to believe (false: nobody; a hop count; or addresses/CIDRs). */
  trustProxy: boolean | number | string[];
}

const DEFAULT_RETRY_SCHEDULE = '5,30,120,600,1800,3600,10800,21600,43200';

function readRetrySchedule(env: Env): number[] {
  const name = 'HERALD_RETRY_SCHEDULE';
  const raw = readString(env, name, DEFAULT_RETRY_SCHEDULE);
  const parts = raw.split(',').map((part) => part.trim());
  const seconds = parts.map(Number);
  if (parts.length === 0 || seconds.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new ConfigError(name, `expected comma-separated positive seconds, got '${raw}'`);
  }
  return seconds;
}

/** All-zero, one repeated byte or a short repeated pattern: a placeholder, not a key. */
function isDegenerateKey(bytes: Buffer): boolean {
  return new Set(bytes).size < 8;
}

/** Published example keys (the Fernet specification's test vectors), which anyone can decrypt with. */
const WELL_KNOWN_KEYS = new Set(['cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=']);

/** HERALD_TRUST_PROXY: false (default), true, a number of proxy hops, or comma-separated addresses and CIDRs. */
function readTrustProxy(env: Env): boolean | number | string[] {
  const name = 'HERALD_TRUST_PROXY';
  const raw = readOptional(env, name)?.trim();
  if (raw === undefined) return false;
  if (/^\d+$/.test(raw)) return readInt(env, name, 0, 0, 100);
  if (/^(true|false|yes|no|on|off|0|1)$/i.test(raw)) return readBool(env, name, false);
  const entries = readList(env, name);
  try {
    parseAllowList(entries);
  } catch (error) {
    if (error instanceof AllowListEntryError)
      throw new ConfigError(name, `expected true, false, a hop count or addresses/CIDRs: ${error.problem}`);
    throw error;
  }
  return entries;
}

function readFernetKeys(env: Env): string[] {
  const name = 'HERALD_FERNET_KEYS';
  const keys = readList(env, name);
  keys.forEach((key, index) => {
    const bytes = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length !== 32 || !/^[A-Za-z0-9_-]+=*$/.test(key)) {
      throw new ConfigError(name, `key #${index + 1} must be 32 bytes of URL-safe base64 (got ${bytes.length} bytes)`);
    }
  });
  return keys;
}

function refuseWeakFernetKeys(keys: string[]): void {
  keys.forEach((key, index) => {
    const bytes = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (isDegenerateKey(bytes) || WELL_KNOWN_KEYS.has(key)) {
      throw new ConfigError(
        'HERALD_FERNET_KEYS',
        `key #${index + 1} is a placeholder or published example, not a random key (run \`npm run keys:generate\`)`,
      );
    }
  });
}

const MIN_BOOTSTRAP_TOKEN_LENGTH = 32;

/** In production the configured tokens must be long, not repetitive, and different from each other. */
function refuseWeakBootstrapTokens(adminToken: string | undefined, metricsToken: string | undefined): void {
  for (const [name, token] of [
    ['HERALD_ADMIN_TOKEN', adminToken],
    ['HERALD_METRICS_TOKEN', metricsToken],
  ] as const) {
    if (token === undefined) continue;
    if (token.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
      throw new ConfigError(
        name,
        `must be at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters in production (got ${token.length}); e.g. \`openssl rand -base64 32\``,
      );
    }
    if (new Set(token).size < 8) throw new ConfigError(name, 'is too repetitive to be a secret; use a random value');
  }
  if (adminToken !== undefined && metricsToken !== undefined && adminToken === metricsToken) {
    throw new ConfigError('HERALD_METRICS_TOKEN', 'must differ from HERALD_ADMIN_TOKEN: a scraper must not hold the admin token');
  }
}

/** Checked with the SSRF guard's own parser, so a bad entry stops start-up here rather than in the worker. */
function readAllowedPrivateTargets(env: Env): string[] {
  const name = 'HERALD_ALLOWED_PRIVATE_TARGETS';
  const entries = readList(env, name);
  try {
    parseAllowList(entries);
  } catch (error) {
    if (error instanceof AllowListEntryError) throw new ConfigError(name, error.problem);
    throw error;
  }
  return entries;
}

/** Reads the whole configuration once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): HeraldConfig {
  const declared = readEnum(env, 'HERALD_ENV', ['development', 'production', 'test'], 'development');
  // Production wins when either variable says so: a stray HERALD_ENV=development must not relax a production deployment.
  const mode = env.NODE_ENV === 'production' ? 'production' : declared;
  const fernetKeys = readFernetKeys(env);
  const adminToken = readOptional(env, 'HERALD_ADMIN_TOKEN');
  const metricsToken = readOptional(env, 'HERALD_METRICS_TOKEN');
  if (mode === 'production') {
    if (fernetKeys.length === 0) {
      throw new ConfigError('HERALD_FERNET_KEYS', 'required in production (generate one with `npm run keys:generate`)');
    }
    refuseWeakFernetKeys(fernetKeys);
    refuseWeakBootstrapTokens(adminToken, metricsToken);
  }
  const queuePrefix = readString(env, 'HERALD_QUEUE_PREFIX', '{herald}');
  if (!/^\{[^{}]+\}/.test(queuePrefix)) {
    throw new ConfigError('HERALD_QUEUE_PREFIX', "must start with a hash tag such as '{herald}' so Redis Cluster keeps queues in one slot");
  }
  return {
    mode,
    host: readString(env, 'HOST', '127.0.0.1'),
    port: readInt(env, 'PORT', 3000, 0, 65535),
    databaseUrl: readUrl(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    databasePoolSize: readInt(env, 'HERALD_DATABASE_POOL_SIZE', 10, 1, 500),
    databasePreparedStatements: readBool(env, 'HERALD_DATABASE_PREPARED_STATEMENTS', true),
    dataDir: path.resolve(readString(env, 'HERALD_DATA_DIR', '.herald')),
    redisUrl: readString(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    redis: readRedisTarget(env),
    queuePrefix,
    fernetKeys,
    adminToken,
    metricsToken,
    session: {
      idleMinutes: readInt(env, 'HERALD_SESSION_IDLE_MINUTES', 60, 1, 7 * 24 * 60),
      maxHours: readInt(env, 'HERALD_SESSION_MAX_HOURS', 12, 1, 24 * 30),
      streamRecheckSeconds: readInt(env, 'HERALD_SESSION_STREAM_RECHECK_SECONDS', 30, 1, 3_600),
    },
    authThrottle: {
      failures: readInt(env, 'HERALD_AUTH_FAILURE_LIMIT', 20, 1, 1_000_000),
      windowSeconds: readInt(env, 'HERALD_AUTH_FAILURE_WINDOW_SECONDS', 600, 1, 86_400),
    },
    log: {
      level: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, mode === 'test' ? 'silent' : 'info'),
      pretty: readEnum(env, 'LOG_FORMAT', ['json', 'pretty'], process.stdout.isTTY ? 'pretty' : 'json') === 'pretty',
    },
    worker: {
      concurrency: readInt(env, 'HERALD_WORKER_CONCURRENCY', 50, 1, 1000),
      shutdownGraceMs: readInt(env, 'HERALD_SHUTDOWN_GRACE_MS', 20_000, 0, 600_000),
      connectTimeoutMs: readInt(env, 'HERALD_CONNECT_TIMEOUT_MS', 5_000, 100, 60_000),
      requestTimeoutMs: readInt(env, 'HERALD_REQUEST_TIMEOUT_MS', 15_000, 100, 120_000),
      retryScheduleSeconds: readRetrySchedule(env),
      healthFailureThreshold: readInt(env, 'HERALD_HEALTH_FAILURES', 50, 1, 100_000),
      healthWindowMs: readInt(env, 'HERALD_HEALTH_WINDOW_HOURS', 24, 0, 24 * 365) * 3_600_000,
      rateLimits: readBool(env, 'HERALD_RATE_LIMITS', true),
      endpointConcurrency: readInt(env, 'HERALD_ENDPOINT_CONCURRENCY', 10, 1, 1000),
      hostConcurrency: readInt(env, 'HERALD_HOST_CONCURRENCY', 50, 0, 100_000),
      metricsPort:
        readOptional(env, 'HERALD_WORKER_METRICS_PORT') === undefined ? undefined : readInt(env, 'HERALD_WORKER_METRICS_PORT', 0, 0, 65535),
      jobLockMs: readInt(env, 'HERALD_JOB_LOCK_MS', 30_000, 1_000, 600_000),
      jobBackoffMs: readInt(env, 'HERALD_JOB_BACKOFF_MS', 1_000, 1, 600_000),
      detachAfterMs: readInt(env, 'HERALD_DETACH_AFTER_MS', 1_000, 10, 120_000),
    },
    sweeper: {
      intervalMs: readInt(env, 'HERALD_SWEEP_INTERVAL_MS', 15_000, 100, 3_600_000),
      staleAfterMs: readInt(env, 'HERALD_SWEEP_STALE_MS', 10_000, 0, 3_600_000),
    },
    digest: {
      cron: readString(env, 'HERALD_DIGEST_CRON', '* * * * *'),
      // At least 1: with 0 no ended quiet window is ever looked at, so no digest is ever sent.
      catchUpHours: readInt(env, 'HERALD_DIGEST_CATCHUP_HOURS', 24, 1, 24 * 30),
    },
    retention: { attemptDays: readInt(env, 'HERALD_ATTEMPT_RETENTION_DAYS', 30, 1, 3650) },
    api: {
      rateLimitPerMinute: readInt(env, 'HERALD_API_RATE_LIMIT', 6000, 0, 10_000_000),
      maxBatch: 1000,
      // One tenant must not turn one alert into hundreds of requests.
      maxWebhooksPerOrg: readInt(env, 'HERALD_MAX_WEBHOOKS_PER_ORG', 50, 1, 100_000),
    },
    allowedPrivateTargets: readAllowedPrivateTargets(env),
    trustProxy: readTrustProxy(env),
  };
}
