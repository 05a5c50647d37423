import { ConfigError, describeRedisTarget, loadConfig } from '../src';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('where Redis is', () => {
  test('REDIS_URL alone is one server', () => {
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380/2' }).redis).toEqual({ kind: 'standalone', url: 'redis://10.0.0.5:6380/2' });
  });

  test('REDIS_SENTINELS finds the primary through Sentinel; REDIS_URL still gives its password, database and TLS', () => {
    const config = loadConfig({
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b ,[::1]:26380',
      REDIS_SENTINEL_NAME: 'herald',
      REDIS_SENTINEL_PASSWORD: 'watch',
      REDIS_URL: 'rediss://:p%40ss@ignored:6379/3',
    });
    expect(config.redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'herald',
      sentinelPassword: 'watch',
      db: 3,
      username: undefined,
      password: 'p@ss',
      tls: true,
    });
    expect(loadConfig({ REDIS_SENTINELS: 'a:1' }).redis).toMatchObject({ name: 'mymaster', db: 0, tls: false });
  });

  test('a redis-cluster:// REDIS_URL lists the cluster nodes to start from', () => {
    expect(loadConfig({ REDIS_URL: 'redis-cluster://herald:s3cret@n1:7000,n2:7001,n3' }).redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      username: 'herald',
      password: 's3cret',
      tls: false,
    });
    expect(loadConfig({ REDIS_URL: 'rediss-cluster://n1:7000' }).redis).toMatchObject({ kind: 'cluster', tls: true });
  });

  test.each([
    [{ REDIS_SENTINELS: 'a:notaport' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: ' , ' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:70000' }, 'REDIS_SENTINELS'],
    [{ REDIS_URL: 'redis-cluster://' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis-cluster://n1:7000/0' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis-cluster://n1:7000', REDIS_SENTINELS: 'a:1' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://h/x' }, 'REDIS_URL'],
  ])('%j fails naming %s', (env, variable) => {
    expect(failure(env).variable).toBe(variable);
  });

  test('the description names hosts and ports once, never the password', () => {
    expect(describeRedisTarget(loadConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:6390' }).redis)).toBe('127.0.0.1:6390');
    expect(describeRedisTarget(loadConfig({ REDIS_URL: 'redis://localhost' }).redis)).toBe('localhost:6379');
    expect(describeRedisTarget(loadConfig({ REDIS_URL: 'redis-cluster://u:pw@n1:7000,n2:7001' }).redis)).toBe('cluster n1:7000,n2:7001');
    expect(describeRedisTarget(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_URL: 'redis://:pw@x' }).redis)).toBe(
      "primary 'mymaster' via sentinels s1:26379",
    );
  });
});
