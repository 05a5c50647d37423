import { loadConfig } from '@herald/config';
import { createHeraldContext, exitOnStartupError, startApi, stopOnSignals } from '@herald/runtime';

/** The producer: ingest and admin HTTP API. Scale it behind a load balancer; it keeps no state. */
async function main(): Promise<void> {
  const config = loadConfig();
  const context = await createHeraldContext(config, 'api');
  const api = await startApi(context);
  context.logger.info({ address: api.address, database: context.database.kind }, `Herald API listening on ${api.address}`);
  stopOnSignals(context.logger, async () => {
    await api.close();
    await context.close();
  });
}

main().catch(exitOnStartupError);
