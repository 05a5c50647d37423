import { RedisUnavailableError } from '../src/local-redis';

test('the Redis-down message names the port once (it used to say 127.0.0.1:6390:6390)', () => {
  const message = new RedisUnavailableError('redis://127.0.0.1:6390').message;
  expect(message).toMatch(/^Redis is not answering at 127\.0\.0\.1:6390\. /);
  expect(message).not.toContain('6390:6390');
});
