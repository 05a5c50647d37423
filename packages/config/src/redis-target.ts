import { ConfigError } from './config-error';
import { type Env, readOptional, readString, readUrl } from './env-readers';

export interface RedisNode {
  host: string;
  port: number;
}

interface RedisAuth {
  username: string | undefined;
  password: string | undefined;
  tls: boolean;
}

/**
 * Where Herald's Redis is: one server (REDIS_URL), a primary found through Sentinel (REDIS_SENTINELS), or a
 * Redis Cluster (REDIS_URL=redis-cluster://host:port,host:port). Every Redis client Herald makes comes from this.
 */
export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | ({ kind: 'sentinel'; sentinels: RedisNode[]; name: string; sentinelPassword: string | undefined; db: number } & RedisAuth)
  | ({ kind: 'cluster'; nodes: RedisNode[] } & RedisAuth);

const CLUSTER_SCHEMES = ['redis-cluster:', 'rediss-cluster:'];

function parseNodes(variable: string, list: string, defaultPort: number): RedisNode[] {
  const nodes = list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item) => {
      const match = /^(\[[^\]]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(item);
      const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
      if (!match || port < 1 || port > 65535) throw new ConfigError(variable, `'${item}' is not host:port`);
      return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
    });
  if (nodes.length === 0) throw new ConfigError(variable, 'expected at least one host:port');
  return nodes;
}

function decoded(part: string): string | undefined {
  return part === '' ? undefined : decodeURIComponent(part);
}

/** redis-cluster://[user:password@]host:port,host:port — the WHATWG URL parser refuses several hosts, so split by hand. */
function readClusterUrl(raw: string): RedisTarget {
  const variable = 'REDIS_URL';
  const match = /^(rediss?)-cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/.exec(raw);
  if (!match) throw new ConfigError(variable, 'expected redis-cluster://[user:password@]host:port,host:port');
  return {
    kind: 'cluster',
    nodes: parseNodes(variable, match[4]!, 6379),
    username: decoded(match[2] ?? ''),
    password: decoded(match[3] ?? ''),
    tls: match[1] === 'rediss',
  };
}

export function readRedisTarget(env: Env): RedisTarget {
  const rawUrl = readOptional(env, 'REDIS_URL');
  const sentinels = readOptional(env, 'REDIS_SENTINELS');
  if (rawUrl !== undefined && CLUSTER_SCHEMES.some((scheme) => rawUrl.startsWith(`${scheme}//`))) {
    if (sentinels !== undefined) throw new ConfigError('REDIS_SENTINELS', 'cannot be combined with a redis-cluster:// REDIS_URL');
    return readClusterUrl(rawUrl);
  }
  const url = readUrl(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']) as string;
  if (sentinels === undefined) return { kind: 'standalone', url };
  // With Sentinel, REDIS_URL only carries the primary's credentials, database number and TLS; its host is not used.
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new ConfigError('REDIS_URL', `the database number must be an integer, got '${db}'`);
  return {
    kind: 'sentinel',
    sentinels: parseNodes('REDIS_SENTINELS', sentinels, 26379),
    name: readString(env, 'REDIS_SENTINEL_NAME', 'mymaster'),
    sentinelPassword: readOptional(env, 'REDIS_SENTINEL_PASSWORD'),
    db: db === '' ? 0 : Number(db),
    username: decoded(parsed.username),
    password: decoded(parsed.password),
    tls: parsed.protocol === 'rediss:',
  };
}

/** Where Redis is, without credentials: safe for logs and error messages. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: RedisNode[]) => nodes.map((node) => `${node.host}:${node.port}`).join(',');
  switch (target.kind) {
    case 'standalone': {
      const { hostname, port } = new URL(target.url);
      return `${hostname}:${port || 6379}`;
    }
    case 'sentinel':
      return `primary '${target.name}' via sentinels ${list(target.sentinels)}`;
    case 'cluster':
      return `cluster ${list(target.nodes)}`;
  }
}
