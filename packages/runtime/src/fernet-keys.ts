import fs from 'node:fs';
import path from 'node:path';
import { type HeraldConfig, type Logger } from '@herald/config';
import { generateFernetKey } from '@herald/crypto';

/**
 * HERALD_FERNET_KEYS when set. Otherwise (development only; production refuses at config load)
 * a key generated once into the data directory, readable by the owner alone.
 */
export function resolveFernetKeys(config: HeraldConfig, logger: Logger): string[] {
  if (config.fernetKeys.length > 0) return config.fernetKeys;
  const file = path.join(config.dataDir, 'fernet.key');
  if (fs.existsSync(file)) return [fs.readFileSync(file, 'utf8').trim()];
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${generateFernetKey()}\n`, { mode: 0o600 });
  logger.warn(
    { file },
    'HERALD_FERNET_KEYS is not set: generated a key for this machine; set HERALD_FERNET_KEYS in production and keep a copy of the key',
  );
  return [fs.readFileSync(file, 'utf8').trim()];
}
