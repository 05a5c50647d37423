import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Self time per package/file in a .cpuprofile: where a process spends its CPU.
 * `tsx bench/src/profile-summary.ts <file.cpuprofile> [rows] [--by-function]`. Herald's apps run as
 * esbuild bundles: their frames are mapped back to the source files (and functions) through the bundle's source map.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
const args = process.argv.slice(2);
const byFunction = args.includes('--by-function');
const [file, rows] = args.filter((arg) => !arg.startsWith('--'));
const profile = JSON.parse(fs.readFileSync(file as string, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const maps = new Map<string, SourceMap | null>();
const sourceMapOf = (url: string): SourceMap | null => {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const mapFile = `${fileURLToPath(url)}.map`;
      if (fs.existsSync(mapFile)) map = new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
};
const group = (frame: ProfileNode['callFrame']) => {
  const { url, functionName: fn } = frame;
  if (!url) return `(${fn || 'native'})`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return byFunction ? `${nm[1]} ${fn || '(anonymous)'}` : (nm[1] as string);
  let where = url;
  if (url.startsWith('file://') && url.endsWith('.js')) {
    const entry = sourceMapOf(url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) {
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      where = source.replace(/^(\.\.\/)+/, '');
    }
  }
  const own = /(?:apps|packages|bench)\/.*/.exec(where.split(path.sep).join('/'));
  const key = own ? own[0] : where.replace(/^node:/, 'node:');
  return byFunction ? `${key} ${fn || '(anonymous)'}` : key;
};
const self = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  if (!node) return;
  const key = group(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
process.stdout.write(`total ${(total / 1e6).toFixed(1)} s of samples\n`);
for (const [key, micros] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(rows ?? 25))) {
  process.stdout.write(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}\n`);
}
