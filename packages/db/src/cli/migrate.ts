import { runMigrateCommand } from './migrate-command';

/** `npm run db:migrate` (the container runs the same command bundled: `node apps/api/dist/migrate.js`). */
void runMigrateCommand();
