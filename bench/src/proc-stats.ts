import fs from 'node:fs';

const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used, in microseconds, from /proc. */
export function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS;
}

/** Peak resident set size so far, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** The node process behind `tsx`: tsx spawns node as a child, whose CPU is what we want. */
export function nodeChildPid(pid: number): number {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length > 0 ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}

/** CPU (µs) a process's children used after they ended (cutime + cstime, counted once reaped). */
function reapedChildrenCpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1_000_000) / CLOCK_TICKS;
}

/**
 * Total CPU (µs) of every process whose command name matches, e.g. all of PostgreSQL: the running
 * ones, plus what ended ones used (a backend that closes hands its time to the postmaster's
 * children count), so the figure only grows.
 */
export function cpuMicrosByName(pattern: RegExp): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (pattern.test(comm)) total += cpuMicros(Number(entry)) + reapedChildrenCpuMicros(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the machine has been quiet (under `busyShare` of all cores busy) for one `sampleMs`
 * window, or `maxMs` passed, so one phase's aftermath (PostgreSQL writing back, queues trimming)
 * is not measured as the next phase. Returns how long it waited.
 */
export async function waitForQuietMachine(maxMs: number, busyShare = 0.15, sampleMs = 1_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = machineJiffies();
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    const after = machineJiffies();
    const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (share < busyShare || Date.now() - started >= maxMs) return Date.now() - started;
  }
}
