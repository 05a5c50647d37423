#!/usr/bin/env node
// After `npm ci`: build the operator console once if it has no build yet, so `npm start` shows it
// at /. Skipped when Vite is not installed (e.g. `npm ci --omit=dev` images that copy a build in).
// `npm run build` rebuilds it with everything else.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const consoleDir = path.join(root, 'apps', 'console');
if (fs.existsSync(path.join(consoleDir, 'dist', 'index.html'))) process.exit(0);
let vite;
try {
  vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [consoleDir, root] })), 'bin', 'vite.js');
} catch {
  console.log('herald: Vite is not installed; the console is not built (npm run build builds it)');
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
if (result.status !== 0) console.log('herald: building the console failed; / will say how to build it (npm run build)');
process.exit(0);
