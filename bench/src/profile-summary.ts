import fs from 'node:fs';

/** Self time per package/file in a .cpuprofile: where a process spends its CPU. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
const file = process.argv[2] as string;
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
const group = (url: string, fn: string) => {
  if (!url) return `(${fn || 'native'})`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const own = /\/work\/main\/(.*)/.exec(url);
  if (own) return own[1] as string;
  return url.replace(/^node:/, 'node:');
};
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  if (!node) return;
  const key = group(node.callFrame.url, node.callFrame.functionName);
  self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [key, micros] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 25))) {
  process.stdout.write(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}\n`);
}
