#!/usr/bin/env node
// Bundles one app (its TypeScript and every @herald/* package) into apps/<app>/dist/main.js.
// Third-party packages stay external and load from node_modules as usual. Production runs the
// bundle with plain `node`: no TypeScript loader in memory, faster start.
const path = require('node:path');
const esbuild = require('esbuild');

const app = process.argv[2];
const entry = process.argv[3] ?? 'main.ts';
const root = path.join(__dirname, '..');

const externalThirdParty = {
  name: 'external-third-party',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@herald/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

esbuild
  .build({
    entryPoints: [path.join(root, 'apps', app, 'src', entry)],
    outfile: path.join(root, 'apps', app, 'dist', entry.replace(/\.ts$/, '.js')),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [externalThirdParty],
  })
  .catch(() => process.exit(1));
