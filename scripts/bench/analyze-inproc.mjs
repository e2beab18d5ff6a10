// In-process full analysis with the compiled core (out/server/src/core, built by `npx tsc -b`):
// analyze(ROOT) over the disk, without Node start-up and without printing. The first run is cold
// (JIT, catalog), the rest are warm, each with a fresh ParseCache (nothing reused between runs).
//   node scripts/bench/analyze-inproc.mjs ROOT [RUNS=5]  -> JSON { coldMs, warmMs: [...], diagnostics, heapMB }
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const core = require(resolve('out/server/src/core/index.js'));
const { DiskHost } = require(resolve('out/server/src/host/disk-host.js'));
const [root, runsArg = '5'] = process.argv.slice(2);
const catalog = core.defaultCatalog();
const host = new DiskHost();
const times = [];
let diagnostics = 0;
for (let i = 0; i < Number(runsArg) + 1; i++) {
  const t0 = performance.now();
  const a = core.analyze(resolve(root), { host, catalog, cache: new core.ParseCache() });
  times.push(performance.now() - t0);
  diagnostics = a.diagnostics.length;
}
console.log(JSON.stringify({ coldMs: times[0], warmMs: times.slice(1), diagnostics, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
