import { loadConfig } from '@herald/config';
import { exitOnStartupError, startSingleNode, stopOnSignals } from '@herald/runtime';

/** `npm start`: the whole of Herald in one process, on PGlite unless DATABASE_URL is set. */
async function main(): Promise<void> {
  const config = loadConfig();
  const node = await startSingleNode(config);
  const { logger } = node.context;
  logger.info({ address: node.api.address }, `Herald API listening on ${node.api.address}`);
  if (node.adminTokenFile) {
    logger.info(`Admin token: read it with \`cat ${node.adminTokenFile}\` and send it as "Authorization: Bearer <token>"`);
  } else {
    logger.info('Admin token: the value of HERALD_ADMIN_TOKEN. More tokens: POST /v1/tokens or `npm run token:create -- --role admin`');
  }
  stopOnSignals(logger, () => node.stop());
}

main().catch(exitOnStartupError);
