import type { ConsoleEvent } from '@herald/core';
import type { Redis } from 'ioredis';

/** Redis pub/sub channel of console events: workers publish delivery outcomes, API processes alert arrivals. */
export function consoleEventsChannel(prefix: string): string {
  return `${prefix}:console-events`;
}

export interface ConsoleEventPublisher {
  publish(event: ConsoleEvent): void;
  /** Sends what is buffered. */
  close(): Promise<void>;
}

/**
 * Buffers events and publishes them as one JSON array per `flushMs`, so a busy worker sends a few
 * messages a second rather than one per attempt. Publishing is best effort: a lost message only
 * delays what the console shows until its next reload.
 */
export function createConsoleEventPublisher(
  redis: Pick<Redis, 'publish'>,
  prefix: string,
  options: { flushMs?: number; maxBatch?: number; onError?: (error: unknown) => void } = {},
): ConsoleEventPublisher {
  const channel = consoleEventsChannel(prefix);
  const flushMs = options.flushMs ?? 50;
  const maxBatch = options.maxBatch ?? 500;
  let buffer: ConsoleEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> = Promise.resolve();

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    inFlight = redis.publish(channel, JSON.stringify(batch)).catch((error: unknown) => options.onError?.(error));
  }

  return {
    publish(event) {
      buffer.push(event);
      if (buffer.length >= maxBatch) flush();
      else if (!timer) {
        timer = setTimeout(flush, flushMs);
        timer.unref();
      }
    },
    async close() {
      flush();
      await inFlight;
    },
  };
}

/** The events of one published message; anything malformed is dropped. */
export function parseConsoleEvents(message: string): ConsoleEvent[] {
  try {
    const parsed: unknown = JSON.parse(message);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (event): event is ConsoleEvent =>
        typeof event === 'object' &&
        event !== null &&
        ((event as ConsoleEvent).kind === 'alert' || (event as ConsoleEvent).kind === 'delivery'),
    );
  } catch {
    return [];
  }
}
