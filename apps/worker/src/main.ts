import { loadConfig } from '@herald/config';
import { createHeraldContext, exitOnStartupError, startWorker, stopOnSignals } from '@herald/runtime';

/** A delivery worker. Run as many as the endpoints need; they share Redis and the database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const context = await createHeraldContext(config, 'worker');
  const worker = await startWorker(context, { metricsPort: config.worker.metricsPort });
  context.logger.info(
    { concurrency: config.worker.concurrency, pid: process.pid, metrics: worker.metricsAddress ?? null },
    'Herald delivery worker started',
  );
  stopOnSignals(context.logger, async () => {
    await worker.close();
    await context.close();
  });
}

main().catch(exitOnStartupError);
