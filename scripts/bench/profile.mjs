// Summarises a V8 .cpuprofile (node --cpu-prof): functions by self time, with total (inclusive) time.
//   node scripts/bench/profile.mjs FILE.cpuprofile [TOP=20]
import { readFileSync } from 'node:fs';

export function summarizeProfile(file, top = 20) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = p.timeDeltas;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = dt[i] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + d);
    total += d;
  }
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'}|${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map();
  const totalBy = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
    // inclusive: count each function once per sample stack
    const seen = new Set();
    for (let cur = id; cur != null; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + t);
    }
  }
  return [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => {
    const [name, where] = k.split('|');
    return { name, where, selfMs: t / 1000, selfPct: (100 * t) / total, totalPct: (100 * (totalBy.get(k) ?? 0)) / total };
  });
}

/** Inclusive time of the heaviest functions (phases), for "where the time goes". */
export function inclusiveTop(file, names) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = Object.fromEntries(names.map((n) => [n, 0]));
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = p.timeDeltas[i] ?? 0;
    total += d;
    const seen = new Set();
    for (let cur = p.samples[i]; cur != null; cur = parent.get(cur)) {
      const fn = byId.get(cur).callFrame.functionName;
      if (fn in out && !seen.has(fn)) { seen.add(fn); out[fn] += d; }
    }
  }
  return { totalMs: total / 1000, phases: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { ms: v / 1000, pct: (100 * v) / total }])) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = '20'] = process.argv.slice(2);
  for (const t of summarizeProfile(file, Number(top))) console.log(`${t.selfPct.toFixed(1).padStart(5)}% self ${t.totalPct.toFixed(1).padStart(5)}% total ${t.selfMs.toFixed(0).padStart(6)} ms  ${t.name}  ${t.where}`);
}
