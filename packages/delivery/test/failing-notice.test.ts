import { createFailingTracker } from '../src/health/failing-notice';

const HOUR = 3_600_000;

test('a webhook failing every attempt for an hour is noticed once; a delivery ends the run', () => {
  const tracker = createFailingTracker(HOUR);
  expect(tracker.failed('w', 0)).toBeNull();
  expect(tracker.failed('w', HOUR / 2)).toBeNull();
  expect(tracker.failed('other', HOUR)).toBeNull();
  expect(tracker.failed('w', HOUR)).toEqual({ webhookId: 'w', failingForMs: HOUR, failures: 3 });
  expect(tracker.failed('w', 2 * HOUR)).toBeNull();
  tracker.delivered('w');
  expect(tracker.failed('w', 3 * HOUR)).toBeNull();
  expect(tracker.failed('w', 4 * HOUR)).toMatchObject({ failingForMs: HOUR, failures: 2 });
});
