// `node apps/api/dist/migrate.js`: `npm run db:migrate` as a bundle, for the container's migrate step (no tsx, no dev tools).
import { runMigrateCommand } from '@herald/db/src/cli/migrate-command';

void runMigrateCommand();
