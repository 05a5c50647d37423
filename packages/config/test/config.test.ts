import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../src';

const KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

describe('loadConfig', () => {
  test('defaults describe a single-node development run', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'development',
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: '{herald}',
      fernetKeys: [],
    });
    expect(config.worker.retryScheduleSeconds).toEqual([5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200]);
  });

  test.each([
    [{ REDIS_URL: 'nonsense' }, 'REDIS_URL'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HERALD_FERNET_KEYS: 'c2hvcnQ=' }, 'HERALD_FERNET_KEYS'],
    [{ HERALD_QUEUE_PREFIX: 'herald' }, 'HERALD_QUEUE_PREFIX'],
    [{ HERALD_RETRY_SCHEDULE: '5,soon' }, 'HERALD_RETRY_SCHEDULE'],
    [{ HERALD_RATE_LIMITS: 'maybe' }, 'HERALD_RATE_LIMITS'],
    [{ HERALD_ENV: 'production' }, 'HERALD_FERNET_KEYS'],
    [{ HERALD_ALLOWED_PRIVATE_TARGETS: '10.0.0.0/33' }, 'HERALD_ALLOWED_PRIVATE_TARGETS'],
    [{ HERALD_DIGEST_CATCHUP_HOURS: '0' }, 'HERALD_DIGEST_CATCHUP_HOURS'],
  ])('%j fails naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  test('HERALD_DIGEST_CATCHUP_HOURS is at least 1: with 0 the digest would look at no ended window and never send', () => {
    expect(() => loadConfig({ HERALD_DIGEST_CATCHUP_HOURS: '0' })).toThrow(
      new ConfigError('HERALD_DIGEST_CATCHUP_HOURS', 'must be between 1 and 720, got 0'),
    );
    expect(loadConfig({ HERALD_DIGEST_CATCHUP_HOURS: '1' }).digest.catchUpHours).toBe(1);
  });

  test('a bad Fernet key is reported without echoing it', () => {
    const secretish = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY';
    expect(() => loadConfig({ HERALD_FERNET_KEYS: `${KEY},${secretish}` })).toThrow(/key #2 must be 32 bytes/);
    try {
      loadConfig({ HERALD_FERNET_KEYS: secretish });
    } catch (error) {
      expect((error as Error).message).not.toContain(secretish);
    }
  });

  test('several Fernet keys are kept newest first', () => {
    expect(loadConfig({ HERALD_FERNET_KEYS: ` ${KEY} ,${KEY.replace('c', 'd')}` }).fernetKeys).toEqual([KEY, KEY.replace('c', 'd')]);
  });

  test('HERALD_ALLOWED_PRIVATE_TARGETS keeps CIDRs, addresses and host names as given', () => {
    const env = { HERALD_ALLOWED_PRIVATE_TARGETS: ' 10.0.0.0/8, 192.168.1.20 ,fd00::/8,[::1],printers.lan, ' };
    expect(loadConfig(env).allowedPrivateTargets).toEqual(['10.0.0.0/8', '192.168.1.20', 'fd00::/8', '[::1]', 'printers.lan']);
    expect(loadConfig({}).allowedPrivateTargets).toEqual([]);
  });

  test.each([
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['10.0.0.0/8/1', '10.0.0.0/8/1'],
    ['fd00::/129', 'fd00::/129'],
    ['10.0.0.0/8,bad host!', 'bad host!'],
    ['https://printers.lan', 'https://printers.lan'],
    ['*.lan', '*.lan'],
    ['300.1.2.3/8', '300.1.2.3/8'],
  ])('HERALD_ALLOWED_PRIVATE_TARGETS=%j fails on one line naming the variable and the entry %j', (value, entry) => {
    expect(() => loadConfig({ HERALD_ALLOWED_PRIVATE_TARGETS: value })).toThrow(
      new ConfigError('HERALD_ALLOWED_PRIVATE_TARGETS', `'${entry}' is neither a CIDR, an IP address nor a host name`),
    );
  });

  describe('production refuses weak secrets', () => {
    const randomKey = () => randomBytes(32).toString('base64url') + '=';
    const strong = () => randomBytes(24).toString('base64');
    const production = (env: Record<string, string>) => loadConfig({ HERALD_ENV: 'production', HERALD_FERNET_KEYS: randomKey(), ...env });
    const failure = (run: () => unknown): ConfigError => {
      try {
        run();
      } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
      }
      throw new Error('expected a ConfigError');
    };

    test('strong, distinct tokens and a random key start', () => {
      const config = production({ HERALD_ADMIN_TOKEN: strong(), HERALD_METRICS_TOKEN: strong() });
      expect(config.mode).toBe('production');
    });

    test.each([
      ['a 31-character admin token', { HERALD_ADMIN_TOKEN: 'x1y2z3'.repeat(5) + 'q' }, 'HERALD_ADMIN_TOKEN', /at least 32 characters/],
      ['a short metrics token', { HERALD_METRICS_TOKEN: 'scrape-me' }, 'HERALD_METRICS_TOKEN', /at least 32 characters/],
      ['a long but repetitive admin token', { HERALD_ADMIN_TOKEN: 'ab'.repeat(32) }, 'HERALD_ADMIN_TOKEN', /repetitive/],
    ])('%s is refused', (_what, env, variable, message) => {
      const error = failure(() => production(env));
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(message);
      for (const value of Object.values(env)) expect(error.message).not.toContain(value);
    });

    test('the metrics token may not be the admin token', () => {
      const token = strong();
      const error = failure(() => production({ HERALD_ADMIN_TOKEN: token, HERALD_METRICS_TOKEN: token }));
      expect(error.variable).toBe('HERALD_METRICS_TOKEN');
      expect(error.message).toMatch(/must differ from HERALD_ADMIN_TOKEN/);
    });

    test.each([
      ['all zero', Buffer.alloc(32).toString('base64url') + '='],
      ['one repeated byte', Buffer.alloc(32, 0x41).toString('base64url') + '='],
      ['a short repeated pattern', Buffer.from('0123'.repeat(8)).toString('base64url') + '='],
      ['the Fernet specification example', KEY],
    ])('a Fernet key that is %s is refused, also as an older key', (_what, weak) => {
      for (const keys of [weak, `${randomKey()},${weak}`]) {
        const error = failure(() => production({ HERALD_FERNET_KEYS: keys }));
        expect(error.variable).toBe('HERALD_FERNET_KEYS');
        expect(error.message).toMatch(/placeholder or published example/);
        expect(error.message).not.toContain(weak);
      }
      // Outside production (tests, local runs) the same key is accepted.
      expect(loadConfig({ HERALD_FERNET_KEYS: weak }).fernetKeys).toEqual([weak]);
    });

    test('NODE_ENV=production wins over HERALD_ENV=development: no keys, no start', () => {
      expect(failure(() => loadConfig({ HERALD_ENV: 'development', NODE_ENV: 'production' })).variable).toBe('HERALD_FERNET_KEYS');
      expect(failure(() => loadConfig({ HERALD_ENV: 'test', NODE_ENV: 'production' })).variable).toBe('HERALD_FERNET_KEYS');
      expect(loadConfig({ HERALD_ENV: 'development', NODE_ENV: 'development' }).mode).toBe('development');
    });
  });
});
