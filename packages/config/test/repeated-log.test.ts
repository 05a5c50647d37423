import { createRepeatedLog } from '../src/repeated-log';

test('a repeated error is logged once per interval with a count; a different one at once', () => {
  const lines: [Record<string, unknown>, string][] = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => lines.push([fields, message]) };
  let nowMs = 0;
  const log = createRepeatedLog(logger as never, 1_000, () => nowMs);
  for (let i = 0; i < 500; i += 1) log.warn({ err: 'OOM command not allowed' }, 'job failed');
  log.warn({ err: 'other' }, 'job failed');
  expect(lines.map(([, message]) => message)).toEqual(['job failed', 'job failed']);
  nowMs = 1_500;
  log.warn({ err: 'OOM command not allowed' }, 'job failed');
  log.stop();
  expect(lines.map(([, message]) => message)).toEqual(['job failed', 'job failed', 'job failed (repeated 499 times)', 'job failed']);
  expect(lines[2]?.[0]).toMatchObject({ repeated: 499 });
});
