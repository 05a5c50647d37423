import fs from 'node:fs';
import { Agent, request } from 'undici';
const pid = Number(fs.readFileSync('/tmp/api.pid', 'utf8'));
const cpu = () => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').slice(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10_000; };
const dispatcher = new Agent({ connections: 16 });
const base = 'http://127.0.0.1:18080';
const call = async (route: string, body: unknown) => {
  const r = await request(base + route, { method: 'POST', dispatcher, headers: { authorization: 'Bearer probe-admin', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const t = await r.body.text(); if (r.statusCode >= 300) throw new Error(t); return t;
};
async function main() {
  if (process.argv[2] === 'setup') { for (const type of ['discord', 'slack', 'generic']) await call('/v1/webhooks', { name: type, url: `http://127.0.0.1:19999/${type}`, type }); return; }
  const n = Number(process.argv[2] ?? 2000), conc = Number(process.argv[3] ?? 1);
  for (let i = 0; i < 200; i++) await call('/v1/alerts', { type: 'print_complete', title: 'warm', message: 'm', printer_id: 1 });
  const c0 = cpu(), t0 = performance.now(), u0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (next++ < n) await call('/v1/alerts', { type: 'print_complete', title: 'bench', message: 'm', printer_id: 1 }); }));
  const c1 = cpu(), t1 = performance.now(), u = process.cpuUsage(u0);
  console.log(`${n} requests conc ${conc}: ${((t1 - t0) / n).toFixed(2)} ms wall/req, API CPU ${((c1 - c0) / n).toFixed(0)} µs/req, client ${((u.user + u.system) / n).toFixed(0)} µs/req`);
  await dispatcher.close();
}
main();
