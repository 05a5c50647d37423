import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnApp, type HeraldProcess } from '../../../../test/support/processes';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);

/** Starts one of Herald's apps as a real separate process (see test/support/processes.ts). */
export function spawnHerald(app: 'api' | 'worker', env: Record<string, string>): HeraldProcess {
  return spawnApp(app, env);
}

/** Stops a process this test started, if it still runs (SIGKILL after `graceMs`). */
export async function stopProcess(proc: HeraldProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

export interface FaultFigures {
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  [extra: string]: number | string;
}

/** One summary line per fault on stdout, and the same figures in test-results/faults.json. */
export function reportFault(name: string, figures: FaultFigures): void {
  const line = `FAULT ${name}: ${Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}\n`;
  process.stdout.write(line);
  const dir = path.join(ROOT, 'test-results');
  const file = path.join(dir, 'faults.json');
  fs.mkdirSync(dir, { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[name] = { ...figures, recordedAt: new Date().toISOString() };
  fs.writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/** Delivered alerts, repeats and losses, from what a receiver saw (one delivery per alert). */
export function countDeliveries(sent: number, deliveryIdsSeen: string[]): { delivered: number; duplicates: number; lost: number } {
  const unique = new Set(deliveryIdsSeen).size;
  return { delivered: unique, duplicates: deliveryIdsSeen.length - unique, lost: sent - unique };
}

const PG_BIN = process.env.HERALD_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throw-away PostgreSQL cluster on a free port that a test may stop and start. */
export interface PrivateCluster {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` user then. */
async function pgTool(tool: string, args: string[]): Promise<void> {
  const binary = path.join(PG_BIN, tool);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', binary, ...args]);
  else await run(binary, args);
}

export async function startPrivateCluster(port: number, settings: { maxConnections?: number } = {}): Promise<PrivateCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-pg-'));
  if (process.getuid?.() === 0) await run('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  await pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${settings.maxConnections ?? 100}`;
  const start = () => pgTool('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stop = () => pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
