import {
  classifyResponse,
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  isDiscordGlobalRateLimit,
  parseRetryAfter,
  retryDelayMs,
} from '../src/delivery-policy';

describe('retryDelayMs', () => {
  const middle = () => 0.5;

  it('follows the default schedule from 5 s up to 12 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_SECONDS).toEqual([5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200]);
    const delays = DEFAULT_RETRY_SCHEDULE_SECONDS.map((_, i) => retryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, i + 1, middle));
    expect(delays).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000]);
  });

  it('returns null once the schedule is exhausted', () => {
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 10, middle)).toBeNull();
    expect(retryDelayMs([], 1, middle)).toBeNull();
  });

  it('jitters by up to 20% either way', () => {
    expect(retryDelayMs([600], 1, () => 0)).toBe(480_000);
    expect(retryDelayMs([600], 1, () => 0.999999)).toBe(720_000);
    expect(retryDelayMs([600], 1, () => 0.25)).toBe(540_000);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs([30], 1, Math.random)!;
      expect(delay).toBeGreaterThanOrEqual(24_000);
      expect(delay).toBeLessThanOrEqual(36_000);
    }
  });

  it('returns whole milliseconds', () => {
    expect(retryDelayMs([5], 1, () => 0.123456789)).toBe(Math.round(5000 * (1 + (0.123456789 * 2 - 1) * 0.2)));
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attemptsMade %p', (attempts) => {
    expect(() => retryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, attempts, middle)).toThrow(RangeError);
  });
});

describe('classifyResponse', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [408, 'retry'],
    [425, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [599, 'retry'],
    [400, 'fail'],
    [401, 'fail'],
    [403, 'fail'],
    [413, 'fail'],
    [422, 'fail'],
    [405, 'fail'],
    [418, 'fail'],
    [404, 'gone'],
    [410, 'gone'],
    [301, 'fail'],
    [302, 'fail'],
    [307, 'fail'],
    [308, 'fail'],
    [100, 'fail'],
    [600, 'fail'],
  ] as const)('%i → %s', (status, expected) => {
    expect(classifyResponse(status)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const nowMs = Date.parse('2026-05-11T12:00:00Z');

  it('reads Retry-After in seconds', () => {
    expect(parseRetryAfter({ headers: { 'retry-after': '30' }, nowMs })).toBe(30_000);
    expect(parseRetryAfter({ headers: { 'retry-after': '0' }, nowMs })).toBe(0);
  });

  it('reads Retry-After as an HTTP-date relative to now', () => {
    expect(parseRetryAfter({ headers: { 'retry-after': 'Mon, 11 May 2026 12:01:30 GMT' }, nowMs })).toBe(90_000);
  });

  it('treats an HTTP-date in the past as no wait', () => {
    expect(parseRetryAfter({ headers: { 'retry-after': 'Mon, 11 May 2026 11:59:00 GMT' }, nowMs })).toBe(0);
  });

  it('matches header names in any letter case and takes the largest of repeated values', () => {
    expect(parseRetryAfter({ headers: { 'Retry-After': '7' }, nowMs })).toBe(7_000);
    expect(parseRetryAfter({ headers: { 'retry-after': ['3', '12'] }, nowMs })).toBe(12_000);
  });

  it("reads Discord's fractional X-RateLimit-Reset-After", () => {
    expect(parseRetryAfter({ headers: { 'x-ratelimit-reset-after': '2.5' }, nowMs })).toBe(2_500);
  });

  it("reads Discord's JSON body retry_after in fractional seconds", () => {
    const bodyText = JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.2345, global: false });
    expect(parseRetryAfter({ headers: {}, bodyText, nowMs })).toBe(1_235);
  });

  it('takes the largest of all the hints', () => {
    expect(
      parseRetryAfter({
        headers: { 'retry-after': '2', 'x-ratelimit-reset-after': '4.25' },
        bodyText: JSON.stringify({ retry_after: 3.9 }),
        nowMs,
      }),
    ).toBe(4_250);
  });

  it('caps the wait at one hour', () => {
    expect(parseRetryAfter({ headers: { 'retry-after': '86400' }, nowMs })).toBe(3_600_000);
    expect(parseRetryAfter({ headers: { 'retry-after': 'Tue, 12 May 2026 12:00:00 GMT' }, nowMs })).toBe(3_600_000);
  });

  it('returns null when there is nothing usable', () => {
    expect(parseRetryAfter({ headers: {}, nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: { 'retry-after': undefined }, nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: { 'retry-after': 'soon' }, nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: { 'retry-after': '-5' }, nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: {}, bodyText: '<html>429</html>', nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: {}, bodyText: JSON.stringify({ retry_after: 'later' }), nowMs })).toBeNull();
    expect(parseRetryAfter({ headers: {}, bodyText: JSON.stringify({ retry_after: -1 }), nowMs })).toBeNull();
  });

  it('ignores unusable hints next to a usable one', () => {
    expect(parseRetryAfter({ headers: { 'retry-after': 'soon', 'x-ratelimit-reset-after': '1' }, bodyText: '{', nowMs })).toBe(1_000);
  });
});

describe('isDiscordGlobalRateLimit', () => {
  it('recognises X-RateLimit-Global: true', () => {
    expect(isDiscordGlobalRateLimit({ 'x-ratelimit-global': 'true' })).toBe(true);
    expect(isDiscordGlobalRateLimit({ 'X-RateLimit-Global': 'True' })).toBe(true);
  });

  it('recognises X-RateLimit-Scope: global', () => {
    expect(isDiscordGlobalRateLimit({ 'x-ratelimit-scope': 'global' })).toBe(true);
  });

  it('recognises global: true in the body', () => {
    expect(isDiscordGlobalRateLimit({}, JSON.stringify({ retry_after: 1, global: true }))).toBe(true);
  });

  it('is false for a per-route or shared limit', () => {
    expect(isDiscordGlobalRateLimit({ 'x-ratelimit-scope': 'user' }, JSON.stringify({ retry_after: 1, global: false }))).toBe(false);
    expect(isDiscordGlobalRateLimit({ 'x-ratelimit-scope': 'shared', 'x-ratelimit-global': 'false' })).toBe(false);
    expect(isDiscordGlobalRateLimit({}, 'not json')).toBe(false);
    expect(isDiscordGlobalRateLimit({})).toBe(false);
  });
});
