#!/usr/bin/env node
// Offline stand-in for `npm audit --omit=dev` (whose advisory endpoint is unreachable without the
// public internet): lists every production dependency in package-lock.json with its version and
// licence, and fails on what can be checked without a network:
//   - a package resolved from somewhere other than the npm registry (git, tarball URL, file),
//   - a package without a sha512 integrity hash.
// It also names packages with install scripts. With `--advisories FILE` (the JSON the npm bulk
// advisory endpoint returns: {"name": [{"id", "severity", "vulnerable_versions", "title", "url"}]},
// e.g. saved on a connected machine with `npm audit --json`'s source data), it reports every
// installed version inside a vulnerable range and fails on high or critical ones.
//
// Usage: node scripts/audit-lockfile.js [--json] [--advisories FILE]
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const REGISTRY = 'https://registry.npmjs.org/';
const FAILING_SEVERITIES = new Set(['high', 'critical']);

function parseArgs(argv) {
  const args = { json: false, advisories: null };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--json') args.json = true;
    else if (argv[i] === '--advisories') args.advisories = argv[++i] ?? null;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Production packages: installed (under node_modules), not a workspace link, not dev-only. */
function productionPackages(lock) {
  if (lock.lockfileVersion < 2 || !lock.packages) throw new Error('package-lock.json must be lockfileVersion 2 or 3');
  const found = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location.includes('node_modules/') || entry.link || entry.dev) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    found.push({
      name,
      version: entry.version,
      location,
      license: entry.license ?? 'UNKNOWN',
      optional: Boolean(entry.optional || entry.devOptional),
      installScript: Boolean(entry.hasInstallScript),
      resolved: entry.resolved ?? null,
      integrity: entry.integrity ?? null,
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function problemsOf(pkg) {
  const problems = [];
  if (pkg.resolved !== null && !pkg.resolved.startsWith(REGISTRY)) problems.push(`resolved outside the npm registry (${pkg.resolved})`);
  if (pkg.integrity === null) problems.push('no integrity hash');
  else if (!pkg.integrity.startsWith('sha512-')) problems.push(`weak integrity hash (${pkg.integrity.split('-')[0]})`);
  return problems;
}

function advisoryMatches(packages, advisoriesFile) {
  let semver;
  try {
    semver = require('semver');
  } catch {
    throw new Error('--advisories needs the semver package (npm install)');
  }
  const advisories = JSON.parse(fs.readFileSync(advisoriesFile, 'utf8'));
  const matches = [];
  for (const pkg of packages) {
    for (const advisory of advisories[pkg.name] ?? []) {
      if (semver.satisfies(pkg.version, advisory.vulnerable_versions, { includePrerelease: true })) {
        matches.push({ name: pkg.name, version: pkg.version, severity: advisory.severity, title: advisory.title, url: advisory.url });
      }
    }
  }
  return matches;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const packages = productionPackages(lock);
  const problems = packages.flatMap((pkg) => problemsOf(pkg).map((problem) => ({ name: pkg.name, version: pkg.version, problem })));
  const vulnerabilities = args.advisories ? advisoryMatches(packages, args.advisories) : null;
  const failing = problems.length > 0 || (vulnerabilities ?? []).some((v) => FAILING_SEVERITIES.has(v.severity));

  if (args.json) {
    process.stdout.write(`${JSON.stringify({ packages, problems, vulnerabilities }, null, 2)}\n`);
  } else {
    for (const pkg of packages) {
      const notes = [pkg.optional ? 'optional' : '', pkg.installScript ? 'install script' : ''].filter(Boolean).join(', ');
      process.stdout.write(`${pkg.name}@${pkg.version}  ${pkg.license}${notes ? `  (${notes})` : ''}\n`);
    }
    const unique = new Set(packages.map((pkg) => pkg.name)).size;
    process.stdout.write(`\n${packages.length} production packages (${unique} distinct names) from package-lock.json.\n`);
    const scripts = packages.filter((pkg) => pkg.installScript).map((pkg) => `${pkg.name}@${pkg.version}`);
    if (scripts.length > 0) process.stdout.write(`With install scripts: ${scripts.join(', ')}\n`);
    for (const p of problems) process.stdout.write(`PROBLEM ${p.name}@${p.version}: ${p.problem}\n`);
    if (vulnerabilities === null) {
      process.stdout.write(
        'No advisory data given (--advisories FILE): known-vulnerability check skipped; run `npm audit --omit=dev` where the registry audit endpoint is reachable.\n',
      );
    } else {
      for (const v of vulnerabilities)
        process.stdout.write(`${v.severity.toUpperCase()} ${v.name}@${v.version}: ${v.title} ${v.url ?? ''}\n`);
      process.stdout.write(`${vulnerabilities.length} advisories match installed versions.\n`);
    }
  }
  process.exitCode = failing ? 1 : 0;
}

// Piped into `head`: stop quietly when the reader goes away.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  main();
} catch (error) {
  process.stderr.write(`audit-lockfile: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
