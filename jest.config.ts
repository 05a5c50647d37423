/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Tests run through @swc/jest: ts-jest supports TypeScript < 7 only, and swc is
// several times faster. Type checking is `npm run typecheck` (tsc 6), run in CI.
const transform: Config['transform'] = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    },
  ],
};

/**
 * Suites whose assertions are latencies, pacing or drill timings (and whose figures the docs quote):
 * a neighbour suite's CPU would show up in them, so they run alone (see package.json "test").
 */
const TIMING_SUITES = '/test/e2e/(faults-[^/]+|reliability-limits|reliability-retries)\\.int\\.test\\.ts$';

const common: Config = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/.herald/'],
};

const config: Config = {
  // Safety net: a leaked socket in one suite must not hold CI until its time limit.
  forceExit: true,
  // Jest's default on 2 cores is one worker; the integration suites mostly wait on timers, sockets and
  // child processes, so two at a time nearly halve the run (684 s → 375 s on the 2-core CI machine).
  // Suites share Redis and PostgreSQL through their own queue prefixes and databases. The `timing`
  // project's suites assert latencies and pacing, so `npm test` runs them afterwards, one at a time.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/test/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts'],
      testPathIgnorePatterns: [...(common.testPathIgnorePatterns ?? []), '\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{apps,packages}/*/test/**/*.int.test.ts',
        '<rootDir>/test/**/*.int.test.ts',
        '<rootDir>/bench/test/**/*.int.test.ts',
      ],
      testPathIgnorePatterns: [...(common.testPathIgnorePatterns ?? []), TIMING_SUITES],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'timing',
      testRegex: TIMING_SUITES,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      slowTestThreshold: 30,
    },
  ],
};

export default config;
