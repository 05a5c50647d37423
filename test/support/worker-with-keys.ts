import { createHeraldContext, startWorker, type HeraldContext, type RunningWorker, type StartWorkerOptions } from '@herald/runtime';
import type { Harness } from './herald-harness';

export interface WorkerWithKeys {
  worker: RunningWorker;
  context: HeraldContext;
  /** Stops the worker, then closes its context. */
  stop(): Promise<void>;
}

/** A context of its own beside the harness, as a process started with these HERALD_FERNET_KEYS would have. */
export function contextWithKeys(herald: Harness, keys: string[]): Promise<HeraldContext> {
  return createHeraldContext({ ...herald.config, fernetKeys: keys }, 'worker', herald.context.logger);
}

/**
 * A worker in its own context beside the harness (same database, Redis and queues), as a separate or
 * restarted worker process with these HERALD_FERNET_KEYS would be.
 */
export async function workerWithKeys(herald: Harness, keys: string[], options: StartWorkerOptions = {}): Promise<WorkerWithKeys> {
  const context = await contextWithKeys(herald, keys);
  const worker = await startWorker(context, options).catch(async (error: unknown) => {
    await context.close();
    throw error;
  });
  return {
    worker,
    context,
    async stop() {
      await worker.close();
      await context.close();
    },
  };
}
