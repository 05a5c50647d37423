import type { ConsoleEvent } from '@herald/core';
import { consoleEventsChannel, createConsoleEventPublisher, parseConsoleEvents } from '../src/console-events';

const delivery = (n: number): ConsoleEvent => ({
  kind: 'delivery',
  org_id: null,
  delivery_id: `d${n}`,
  alert_id: null,
  webhook_id: null,
  attempt: 1,
  status: 'delivered',
  status_code: 204,
  duration_ms: 3,
  at: '2026-12-02T00:00:00.000Z',
});

function recorder() {
  const sent: [string, string][] = [];
  return { sent, redis: { publish: async (channel: string, message: string) => (sent.push([channel, message]), 1) } };
}

test('events published together go out as one message on the prefix channel, and parse back', async () => {
  const { sent, redis } = recorder();
  const publisher = createConsoleEventPublisher(redis, '{p}', { flushMs: 10_000 });
  publisher.publish(delivery(1));
  publisher.publish(delivery(2));
  expect(sent).toEqual([]);
  await publisher.close();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.[0]).toBe(consoleEventsChannel('{p}'));
  expect(parseConsoleEvents(sent[0]?.[1] ?? '')).toEqual([delivery(1), delivery(2)]);
});

test('a full batch goes at once, without waiting for the timer', async () => {
  const { sent, redis } = recorder();
  const publisher = createConsoleEventPublisher(redis, '{p}', { flushMs: 10_000, maxBatch: 2 });
  publisher.publish(delivery(1));
  publisher.publish(delivery(2));
  expect(sent).toHaveLength(1);
  publisher.publish(delivery(3));
  expect(sent).toHaveLength(1);
  await publisher.close();
  expect(sent).toHaveLength(2);
});

test('malformed messages give no events', () => {
  expect(parseConsoleEvents('not json')).toEqual([]);
  expect(parseConsoleEvents('{"kind":"alert"}')).toEqual([]);
  expect(parseConsoleEvents('[{"kind":"other"},null,3]')).toEqual([]);
});
