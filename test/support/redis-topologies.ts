import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './processes';

/** One redis-server (data node or sentinel) this test started, on a free port. */
interface RedisProcess {
  port: number;
  child: ChildProcess;
  kill(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5_000 });
  return (result.stdout ?? '').trim();
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startRedisProcess(dir: string, configLines: string[], extraArgs: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const file = path.join(dir, `redis-${port}.conf`);
  fs.writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', ...configLines].join('\n') + '\n');
  const child = spawn('redis-server', [file, ...extraArgs], { stdio: 'ignore' });
  await until(`redis-server on ${port} answering`, () => cli(port, 'PING') === 'PONG', 10_000);
  return {
    port,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface SentinelTopology {
  /** REDIS_SENTINELS value. */
  sentinels: string;
  name: string;
  primaryPort: number;
  /** SIGKILLs the current primary (no shutdown, no last replication). */
  killPrimary(): Promise<void>;
  /** Port of the primary the sentinels currently name. */
  currentPrimaryPort(): number;
  stop(): Promise<void>;
}

/** A primary, one replica and three sentinels (quorum 2), failing over about a second after the primary dies. */
export async function startSentinelTopology(name = 'herald-test'): Promise<SentinelTopology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-sentinel-'));
  const processes: RedisProcess[] = [];
  try {
    const primary = await startRedisProcess(dir, []);
    processes.push(primary);
    const replica = await startRedisProcess(dir, [
      `replicaof 127.0.0.1 ${primary.port}`,
      'repl-diskless-sync yes',
      'repl-diskless-sync-delay 0',
    ]);
    processes.push(replica);
    await until('replica in sync', () => /master_link_status:up/.test(cli(replica.port, 'INFO', 'replication')));
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const sentinel = await startRedisProcess(
        dir,
        [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
        ],
        ['--sentinel'],
      );
      sentinels.push(sentinel);
      processes.push(sentinel);
    }
    // Failover needs every sentinel to know the replica and the other sentinels.
    for (const sentinel of sentinels) {
      await until('sentinels discover the replica and each other', () => {
        const state = cli(sentinel.port, 'SENTINEL', 'ckquorum', name);
        const replicas = cli(sentinel.port, 'SENTINEL', 'replicas', name);
        return state.startsWith('OK 3 usable') && replicas.includes(String(replica.port));
      });
    }
    const currentPrimaryPort = () => Number(cli(sentinels[0]!.port, 'SENTINEL', 'get-master-addr-by-name', name).split('\n')[1]);
    return {
      sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      name,
      primaryPort: primary.port,
      currentPrimaryPort,
      killPrimary: () => primary.kill(),
      async stop() {
        await Promise.all(processes.map((p) => p.kill()));
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(processes.map((p) => p.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface RedisClusterTopology {
  /** REDIS_URL value (redis-cluster://…). */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/** Three primaries sharing the 16384 slots, no replicas. */
export async function startRedisCluster(): Promise<RedisClusterTopology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-cluster-'));
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const nodeDir = path.join(dir, String(i));
      fs.mkdirSync(nodeDir);
      nodes.push(await startRedisProcess(nodeDir, ['cluster-enabled yes', 'cluster-node-timeout 2000', 'cluster-config-file nodes.conf']));
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const node of nodes) {
      await until('cluster state ok on every node', () => /cluster_state:ok/.test(cli(node.port, 'CLUSTER', 'INFO')));
    }
    return {
      url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
      ports: nodes.map((n) => n.port),
      async stop() {
        await Promise.all(nodes.map((n) => n.kill()));
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
