// Long fuzz run: `npm run fuzz -- --seconds N [--seed S]` runs the fuzz tier (out/test/fuzz) with
// each property time-boxed to its share of N seconds (default 300) instead of the small sample
// `npm test` uses, and prints how many inputs each property tried. A failure prints fast-check's
// counterexample and seed; re-run with `--seed S` to reproduce it. Run `npx tsc -b` first.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const seconds = Number(opt('seconds', '300'));
if (!(seconds > 0)) {
  console.error('fuzz: --seconds must be a positive number');
  process.exit(2);
}
const dir = join('out', 'test', 'fuzz');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).map((f) => join(dir, f)) : [];
if (!files.length) {
  console.error('fuzz: no compiled fuzz tests; run "npx tsc -b" first');
  process.exit(2);
}
// regressions.test.js replays fixed counterexamples in about a second: the time goes to the properties
const timed = files.filter((f) => !f.endsWith('regressions.test.js')).length || 1;
const env = { ...process.env, NGINX_DOCTOR_FUZZ_SECONDS: String(seconds / timed), NGINX_DOCTOR_FUZZ_REPORT: '1' };
const seed = opt('seed');
if (seed !== undefined) env.NGINX_DOCTOR_FUZZ_SEED = seed;
const started = Date.now();
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-timeout', String((seconds + 120) * 1000), ...files], { env, encoding: 'utf8', maxBuffer: 256 << 20 });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
const tried = [...`${r.stdout}\n${r.stderr}`.matchAll(/fuzz-tried (\S+) (\d+)/g)];
const total = tried.reduce((n, m) => n + Number(m[2]), 0);
console.log(`\nfuzz: ${total} inputs in ${Math.round((Date.now() - started) / 1000)} s (${tried.map((m) => `${m[1]} ${m[2]}`).join(', ')}); exit ${r.status}`);
process.exit(r.status ?? 1);
