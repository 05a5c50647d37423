import { generateFernetKey } from '../fernet-key';

/**
 * `npm run keys:generate`: prints one new random Fernet key for HERALD_FERNET_KEYS on stdout, and
 * nothing else, so it can be captured (`HERALD_FERNET_KEYS=$(npm run -s keys:generate)`). Keep a copy:
 * webhook URLs and signing secrets cannot be read back without it.
 */
process.stdout.write(`${generateFernetKey()}\n`);
