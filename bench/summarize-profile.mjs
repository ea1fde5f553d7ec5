// Summarises a .cpuprofile (node --cpu-prof): self time per function and per package, top N.
//   node bench/summarize-profile.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
const [file, n = '30'] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const pkg = new Map();
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  const url = cf.url || '(native)';
  const key = `${cf.functionName || '(anon)'} ${url.replace(/^.*\/work\/main\//, '')}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + t);
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const p = m ? m[1] : url.includes('/work/main/') ? url.replace(/^.*\/work\/main\//, '').split('/').slice(0, 2).join('/') : cf.functionName.startsWith('(') ? cf.functionName : 'node:' + (url.split('/').pop() || 'native');
  pkg.set(p, (pkg.get(p) ?? 0) + t);
}
const show = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, t]) => `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms\n-- packages\n${show(pkg, 25)}\n-- functions\n${show(fn, Number(n))}`);
