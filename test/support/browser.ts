import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type ViewportSize } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`), driven by playwright-core: no downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  /** Every URL the pages requested from anywhere but the origin given at launch (data: URLs aside). */
  offOrigin: string[];
  /** Closes the browser and removes its throw-away profile. */
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, recording requests that leave `origin`. */
export async function launchChromium(origin: string, options: { viewport?: ViewportSize } = {}): Promise<Chromium> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-chromium-'));
  const removeProfile = () => fs.rmSync(profileDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      ...(options.viewport ? { viewport: options.viewport } : {}),
      args: ARGS,
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  const offOrigin: string[] = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) offOrigin.push(request.url());
  });
  return {
    context,
    offOrigin,
    async close() {
      await context.close();
      removeProfile();
    },
  };
}
