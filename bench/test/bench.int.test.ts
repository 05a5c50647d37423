import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

jest.setTimeout(180_000);

// Keeps `npm run bench` working; speed is not asserted here (the script prints figures).
test('the benchmark runs end to end on a tiny load and writes its results', async () => {
  const output = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-'));
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'bench', 'src', 'main.ts'),
      '--alerts',
      '200',
      '--steady-seconds',
      '1',
      '--steady-rate',
      '20',
      '--ingest-path-alerts',
      '50',
      '--output',
      output,
    ],
    { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 },
  );
  expect(stdout).toMatch(/Herald benchmark/);
  const results = JSON.parse(fs.readFileSync(path.join(output, 'latest.json'), 'utf8'));
  expect(results).toMatchObject({
    machine: { cpus: expect.any(Number) },
    drain: { alerts: 200, deliveries: 600, lost: 0, deliveriesPerSecond: expect.any(Number), ingestAlertsPerSecond: expect.any(Number) },
    steady: {
      deliveries: 60,
      lost: 0,
      latencyMs: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) },
    },
    ingestPath: {
      native: { alerts: 50, lost: 0, alertsPerSecond: expect.any(Number), apiCpuMicrosPerAlert: expect.any(Number) },
      ingestUrl: { alerts: 50, lost: 0, alertsPerSecond: expect.any(Number), apiCpuMicrosPerAlert: expect.any(Number) },
    },
    limit: { deliveriesPerSecond: expect.any(Number), heraldRatio: expect.any(Number) },
    cost: {
      workerCpuMicrosPerDelivery: expect.any(Number),
      apiCpuMicrosPerAlert: expect.any(Number),
      redisBytesPerQueuedAlert: expect.any(Number),
    },
    scale: { workers: 2, deliveriesPerSecond: expect.any(Number) },
  });
  expect(results.cost.peakRssMiB.worker).toBeGreaterThan(0);
  expect(fs.readFileSync(path.join(output, 'latency.svg'), 'utf8')).toMatch(/^<svg/);
  fs.rmSync(output, { recursive: true, force: true });
});
