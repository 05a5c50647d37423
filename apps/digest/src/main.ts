import { loadConfig } from '@herald/config';
import { createHeraldContext, exitOnStartupError, startDigest, stopOnSignals } from '@herald/runtime';

/** The quiet-hours digest cron. Several may run: each (scope, window) is claimed once in the database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const context = await createHeraldContext(config, 'digest');
  const digest = startDigest(context);
  context.logger.info({ cron: config.digest.cron }, 'Herald digest cron started');
  stopOnSignals(context.logger, async () => {
    await digest.stop();
    await context.close();
  });
}

main().catch(exitOnStartupError);
