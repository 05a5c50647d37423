import { ConfigError, loadConfig } from '../src';

test('HERALD_TRUST_PROXY: off by default; true, a hop count, or the proxy addresses', () => {
  expect(loadConfig({}).trustProxy).toBe(false);
  expect(loadConfig({ HERALD_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  expect(loadConfig({ HERALD_TRUST_PROXY: '1' }).trustProxy).toBe(1);
  expect(loadConfig({ HERALD_TRUST_PROXY: '2' }).trustProxy).toBe(2);
  expect(loadConfig({ HERALD_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
  expect(() => loadConfig({ HERALD_TRUST_PROXY: '10.0.0.0/40' })).toThrow(ConfigError);
  expect(() => loadConfig({ HERALD_TRUST_PROXY: '10.0.0.0/40' })).toThrow(/^HERALD_TRUST_PROXY: /);
});
