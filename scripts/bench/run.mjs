// `npm run bench`: measures nginx-doctor against references run on the same inputs in the same run,
// prints a table and writes docs/benchmarks.md. See docs/benchmarks.md for what each row means.
//
//   npm run bench                  full run (a few minutes): small/medium/large trees, 100k + 1M-line logs
//   npm run bench -- --quick       CI smoke (< 60 s): small tree, 100k-line log, 1 run each; does not write the doc
//   npm run bench -- --runs N      runs per measurement (default 5 full, 1 quick)
//   npm run bench -- --build       run `npm run build && npx tsc -b` first (otherwise the existing dist/ and out/ are used)
//   npm run bench -- --only check,lsp,explain,tail,hostile,ext,hosting,big   only these sections (does not write the doc)
//   npm run bench -- --only issue19   the rows of issue #19: hosting (check, keystroke, open, tail, explain of
//                                     the hosting tree), explain (1M lines vs medium), big (the former timed tests)
//   npm run bench -- --no-doc      do not write docs/benchmarks.md
//   npm run bench -- --profile     also write a CPU profile of `check` on the large tree and list the top functions
//   npm run bench -- --no-package  do not package the .vsix (in .bench/pkg); measure the newest *.vsix in the repo root
//
// Inputs are generated deterministically into .bench/ (git-ignored) by scripts/bench/gen.mjs and
// reused when present. Uses dist/cli.js, dist/server.js, dist/extension.js and out/test/helpers/lsp-client.js.
import { spawnSync, spawn, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync, cpSync } from 'node:fs';
import { cpus, totalmem, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { genTree, genSingle, genLog, genHostingTree } from './gen.mjs';
import { summarizeProfile } from './profile.mjs';
import { tailFleetBench } from './tail-fleet.mjs';

const REPO = resolve(new URL('../..', import.meta.url).pathname);
process.chdir(REPO);
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) || (QUICK ? 1 : 5);
// --only issue19: the rows of issue #19 only (the hosting tree, explain, the former timed tests)
const ALIASES = { issue19: ['hosting', 'explain', 'big'] };
const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',').flatMap((x) => ALIASES[x] ?? [x]) : null;
// --quick stays a < 60 s smoke: the hosting tree and the big inputs only when --only names them
const want = (section) => (ONLY ? ONLY.includes(section) : !(QUICK && (section === 'hosting' || section === 'big')));
const WRITE_DOC = !QUICK && !ONLY && !argv.includes('--no-doc');
const BENCH = join(REPO, '.bench');
const CLI = join(REPO, 'dist', 'cli.js');
const NODE = process.execPath;
const TIME = '/usr/bin/time';

if (argv.includes('--build')) {
  execSync('npm run build && npx tsc -b', { stdio: 'inherit' });
}
for (const f of ['dist/cli.js', 'dist/server.js', 'dist/extension.js', 'out/test/helpers/lsp-client.js']) {
  if (!existsSync(join(REPO, f))) {
    console.error(`missing ${f}: run \`npm run build && npx tsc -b\` first (or npm run bench -- --build)`);
    process.exit(2);
  }
}

// ---------- statistics ----------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
function quantile(xs, q) {
  const s = sorted(xs);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
const median = (xs) => quantile(xs, 0.5);
/** "median (min–max)" */
function fmt(xs, unit = 'ms', digits = 0) {
  if (!xs.length) return 'n/a';
  const f = (x) => x.toFixed(digits);
  return xs.length === 1 ? `${f(xs[0])} ${unit}` : `${f(median(xs))} ${unit} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const log = (...a) => console.error('[bench]', ...a);

// ---------- process measurement ----------
/** Runs cmd under /usr/bin/time; returns { ms, rssMB, status, stdout }. */
function timed(cmd, args, opts = {}) {
  const out = join(BENCH, 'time.out');
  const useTime = existsSync(TIME);
  const t0 = performance.now();
  const r = spawnSync(useTime ? TIME : cmd, useTime ? ['-f', '%M', '-o', out, cmd, ...args] : args, {
    maxBuffer: 1 << 30, encoding: 'utf8', timeout: opts.timeout ?? 600_000, stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'], ...opts.spawn,
  });
  const ms = performance.now() - t0;
  let rssMB = NaN;
  if (useTime) {
    try { rssMB = Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024; } catch { /* killed */ }
  }
  return { ms, rssMB, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
function repeat(n, fn) {
  const rs = [];
  for (let i = 0; i < n; i++) rs.push(fn(i));
  return rs;
}

// ---------- inputs ----------
const SIZES = QUICK ? [['small', 5]] : [['small', 5], ['medium', 107], ['large', 1075]];
const LOGS = QUICK ? [100_000] : [100_000, 1_000_000];
mkdirSync(BENCH, { recursive: true });
const trees = {};
for (const [name, files] of SIZES) {
  const dir = join(BENCH, `tree-${name}`);
  const meta = join(dir, 'meta.json');
  if (!existsSync(meta)) {
    rmSync(dir, { recursive: true, force: true });
    const info = genTree(dir, files);
    writeFileSync(meta, JSON.stringify(info));
    log(`generated ${dir}: ${info.files} files, ${info.directives} directives`);
  }
  trees[name] = { dir, root: join(dir, 'nginx.conf'), ...JSON.parse(readFileSync(meta, 'utf8')) };
}
const LOG_TREE = QUICK ? 'small' : 'medium';
const logs = {};
for (const n of LOGS) {
  const file = join(BENCH, `error-${n}-${LOG_TREE}.log`);
  const meta = file + '.json';
  if (!existsSync(meta)) {
    const info = genLog(file, n, SIZES.find(([s]) => s === LOG_TREE)[1]);
    writeFileSync(meta, JSON.stringify(info));
    log(`generated ${file}`);
  }
  logs[n] = { file, bytes: statSync(file).size, ...JSON.parse(readFileSync(meta, 'utf8')) };
}
const single = join(BENCH, 'single-5000', 'big.conf');
if (!existsSync(single)) genSingle(single, 5000);
// the hosting tree of issue #19: 970 files, one site (server block, distinct names) per file, ~205k
// directives, all on port 80; and a 1M-line error log spread over all of its servers
const HOSTING_FILES = 970;
const hosting = { dir: join(BENCH, 'tree-hosting') };
if (want('hosting')) {
  const meta = join(hosting.dir, 'meta.json');
  if (!existsSync(meta)) {
    rmSync(hosting.dir, { recursive: true, force: true });
    const info = genHostingTree(hosting.dir, HOSTING_FILES);
    writeFileSync(meta, JSON.stringify(info));
    log(`generated ${hosting.dir}: ${info.files} files, ${info.servers} servers, ${info.directives} directives`);
  }
  Object.assign(hosting, { root: join(hosting.dir, 'nginx.conf') }, JSON.parse(readFileSync(meta, 'utf8')));
  const n = QUICK ? 100_000 : 1_000_000;
  const file = join(BENCH, `error-${n}-hosting.log`);
  if (!existsSync(file + '.json')) {
    const info = genLog(file, n, HOSTING_FILES, 'hosting');
    writeFileSync(file + '.json', JSON.stringify(info));
    log(`generated ${file}`);
  }
  hosting.log = { n, file, bytes: statSync(file).size, ...JSON.parse(readFileSync(file + '.json', 'utf8')) };
}

const rows = []; // { area, what, value, reference, ratio, goal, met }
const notes = [];
const loadSamples = [load()];
function row(r) {
  rows.push(r);
  console.log(`${r.what.padEnd(58)} ${String(r.value).padEnd(32)} ${String(r.reference ?? '').padEnd(36)} ${String(r.ratio ?? '').padEnd(8)} ${r.met ?? ''}`);
}
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const rx = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');
const verdict = (ok) => (ok === undefined ? '' : ok ? 'met' : 'MISSED');

// ---------- 1. full analysis ----------
const nginxBin = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(existsSync);
function nginxT(tree) {
  const prefix = join(BENCH, 'nginx-prefix');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? nginxBin : 'sudo';
  const args = [...(asRoot ? [] : ['-n', nginxBin]), '-t', '-q', '-p', prefix + '/', '-c', tree.root, '-g', `pid ${prefix}/nginx.pid;`];
  return timed(cmd, args);
}
let linterOk = existsSync(join(REPO, 'node_modules/.bin/nginx-linter'));
let nginxConfOk = existsSync(join(REPO, 'node_modules/nginx-conf'));
const analysis = {};
for (const name of want('check') ? Object.keys(trees) : []) {
  const tree = trees[name];
  log(`check ${name} (${tree.directives} directives, ${tree.files} files) x${RUNS}`);
  const ours = repeat(RUNS, () => timed(NODE, [CLI, 'check', '--format', 'json', tree.root], { stdout: 'ignore' }));
  if (ours.some((r) => r.status !== 0 && r.status !== 1)) notes.push(`check ${name} exited ${ours.map((r) => r.status).join(',')}`);
  const ms = ours.map((r) => r.ms);
  const mb = ours.map((r) => r.rssMB);
  analysis[name] = ms;
  const ng = nginxBin ? repeat(RUNS, () => nginxT(tree)) : [];
  if (ng.some((r) => r.status !== 0)) notes.push(`nginx -t on ${name} failed: ${ng.find((r) => r.status !== 0).stderr.slice(0, 300)}`);
  const ngMs = ng.filter((r) => r.status === 0).map((r) => r.ms);
  const nc = nginxConfOk ? repeat(RUNS, () => timed(NODE, [join(REPO, 'scripts/bench/nginx-conf-parse.mjs'), tree.dir])) : [];
  const ncMs = nc.filter((r) => r.status === 0).map((r) => r.ms);
  const large = name === 'large';
  const r1 = ratio(median(ms), median(ngMs));
  row({ area: 'check', what: `check ${name} (${tree.directives} dirs / ${tree.files} files): wall vs nginx -t`, value: fmt(ms), reference: `nginx -t ${fmt(ngMs)}`, ratio: rx(r1), goal: large ? '≤ 0.25x' : '', met: large ? verdict(r1 <= 0.25) : '' });
  const r2 = ratio(median(ms), median(ncMs));
  row({ area: 'check', what: `check ${name}: wall vs nginx-conf bare parse`, value: fmt(ms), reference: `nginx-conf ${fmt(ncMs)}`, ratio: rx(r2), goal: large ? '≤ 1.5x' : '', met: large ? verdict(r2 <= 1.5) : '' });
  const ngMb = ng.map((r) => r.rssMB);
  const ncMb = nc.map((r) => r.rssMB);
  row({ area: 'check', what: `check ${name}: peak RSS`, value: fmt(mb, 'MB'), reference: `nginx -t ${fmt(ngMb, 'MB')}; nginx-conf ${fmt(ncMb, 'MB')}`, ratio: rx(ratio(median(mb), median(ngMb))), goal: large ? '< 250 MB' : '', met: large ? verdict(median(mb) < 250) : '' });
  if (linterOk) {
    const runs = name === 'large' ? 1 : name === 'medium' ? Math.min(RUNS, 3) : RUNS;
    const li = repeat(runs, () => timed(NODE, [join(REPO, 'node_modules/nginx-linter/bin/nginx-linter.js'), '--include', tree.root], { timeout: 120_000 }));
    const liMs = li.filter((r) => r.signal == null && (r.status === 0 || r.status === 1)).map((r) => r.ms);
    if (!liMs.length) {
      notes.push(`nginx-linter did not finish on ${name} (status ${li[0].status}, signal ${li[0].signal}): ${li[0].stderr.slice(0, 200)}`);
      linterOk = name === 'small';
    }
    row({ area: 'check', what: `check ${name}: wall vs nginx-linter CLI (follows includes)`, value: fmt(ms), reference: `nginx-linter ${fmt(liMs)}, ${fmt(li.map((r) => r.rssMB), 'MB')}`, ratio: rx(ratio(median(ms), median(liMs))), goal: '', met: '' });
  }
  loadSamples.push(load());
}

// ---------- 2. language server ----------
function lsp(folder, file, edits) {
  const r = spawnSync(NODE, [join(REPO, 'scripts/bench/lsp.mjs'), folder, file, String(edits)], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) {
    notes.push(`LSP bench on ${file} failed: ${r.stderr.slice(0, 300)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const EDITS = QUICK ? 5 : 20;
/** Warm in-process analyze() of the compiled core (no Node start-up, no output). */
function inproc(root) {
  const r = spawnSync(NODE, [join(REPO, 'scripts/bench/analyze-inproc.mjs'), root, String(Math.max(RUNS, 3))], { encoding: 'utf8', timeout: 600_000 });
  try { return JSON.parse(r.stdout.trim().split('\n').pop()); } catch { notes.push(`in-process analyze of ${root} failed: ${r.stderr.slice(0, 200)}`); return null; }
}
if (want('lsp')) {
  const folder = join(BENCH, 'single-5000');
  const lines = readFileSync(single, 'utf8').split('\n').length;
  log(`lsp: 5000-line file x${EDITS} edits`);
  const l = lsp(folder, single, EDITS);
  const full = repeat(RUNS, () => timed(NODE, [CLI, 'check', '--format', 'json', single], { stdout: 'ignore' }).ms);
  const ip = inproc(single);
  if (l) {
    const med = median(l.samples);
    const r = ratio(med, median(full));
    row({ area: 'lsp', what: `keystroke → diagnostics, ${lines}-line file (median / p95)`, value: `${med.toFixed(0)} / ${quantile(l.samples, 0.95).toFixed(0)} ms (n=${l.samples.length}, ${Math.min(...l.samples).toFixed(0)}–${Math.max(...l.samples).toFixed(0)})`, reference: `check same file ${fmt(full)}`, ratio: rx(r), goal: '< 0.1x', met: verdict(r < 0.1) });
    if (ip) row({ area: 'lsp', what: `  same ${lines}-line file: in-process analyze() (warm, no start-up)`, value: fmt(ip.warmMs), reference: `keystroke median / analyze() median`, ratio: rx(ratio(med, median(ip.warmMs))), goal: '', met: '' });
  }
  const tname = QUICK ? 'small' : 'large';
  const tree = trees[tname];
  const site = join(tree.dir, 'sites', readdirSync(join(tree.dir, 'sites')).sort()[Math.floor(readdirSync(join(tree.dir, 'sites')).length / 2)]);
  log(`lsp: snippet ${site} of the ${tname} tree x${EDITS} edits`);
  const l2 = lsp(tree.dir, site, EDITS);
  const fullSite = repeat(RUNS, () => timed(NODE, [CLI, 'check', '--format', 'json', site], { stdout: 'ignore' }).ms);
  const ip2 = inproc(tree.root);
  if (l2) {
    const med = median(l2.samples);
    // The server analyses the snippet in its root's context (the whole tree), as `check ROOT` does.
    const r = ratio(med, median(analysis[tname]));
    row({ area: 'lsp', what: `keystroke → diagnostics, snippet of ${tname} tree (median / p95)`, value: `${med.toFixed(0)} / ${quantile(l2.samples, 0.95).toFixed(0)} ms (n=${l2.samples.length}, ${Math.min(...l2.samples).toFixed(0)}–${Math.max(...l2.samples).toFixed(0)})`, reference: `check whole tree ${fmt(analysis[tname])}; check file alone ${fmt(fullSite)}`, ratio: rx(r), goal: '< 0.1x', met: verdict(r < 0.1) });
    if (ip2) row({ area: 'lsp', what: `  ${tname} tree (what an edit of the snippet re-analyses): in-process analyze() (warm)`, value: fmt(ip2.warmMs), reference: `keystroke median / analyze() median`, ratio: rx(ratio(med, median(ip2.warmMs))), goal: '', met: '' });
    row({ area: 'lsp', what: `open snippet of ${tname} tree → first diagnostics`, value: `${l2.openMs.toFixed(0)} ms`, reference: '', ratio: '', goal: '', met: '' });
  }
  loadSamples.push(load());
}

// ---------- 3. explain ----------
for (const n of want('explain') ? LOGS : []) {
  const lg = logs[n];
  const runs = n >= 1_000_000 ? Math.min(RUNS, 3) : RUNS;
  log(`explain ${n} lines (${(lg.bytes / 1e6).toFixed(0)} MB) x${runs}`);
  const ex = repeat(runs, () => timed(NODE, [CLI, 'explain', '--config', trees[LOG_TREE].root, lg.file], { stdout: 'ignore' }));
  if (ex.some((r) => r.status !== 0)) notes.push(`explain ${n} exited ${ex.map((r) => r.status)}: ${ex[0].stderr.slice(0, 200)}`);
  const gr = repeat(runs, () => timed('grep', ['-c', 'upstream', lg.file]));
  const ms = ex.map((r) => r.ms);
  const lps = ms.map((m) => n / (m / 1000));
  const r = ratio(median(ms), median(gr.map((g) => g.ms)));
  const big = n >= 1_000_000;
  row({ area: 'explain', what: `explain ${n.toLocaleString('en')} lines (${(lg.bytes / 1e6).toFixed(0)} MB, ${LOG_TREE} tree)`, value: `${fmt(lps.map((x) => x / 1000), 'k lines/s')}, ${fmt(ms)}, ${fmt(ex.map((e) => e.rssMB), 'MB')}`, reference: `grep -c upstream ${fmt(gr.map((g) => g.ms))}`, ratio: rx(r), goal: big ? '≤ 5x' : '', met: big ? verdict(r <= 5) : '' });
  if (big && LOG_TREE === 'medium') row({ area: 'explain', what: `explain 1,000,000 lines, medium tree: wall (issue #19)`, value: fmt(ms), reference: `grep -c upstream ${fmt(gr.map((g) => g.ms))}`, ratio: rx(r), goal: '≤ 1.5 s', met: verdict(median(ms) <= 1500) });
  loadSamples.push(load());
}

// ---------- 4. tail ----------
async function tailBench(lg, seconds, ssh = null, root = trees[LOG_TREE]?.root) {
  const help = spawnSync(NODE, [CLI, '--help'], { encoding: 'utf8' }).stdout;
  if (!/\btail\b/.test(help)) return null;
  return new Promise((resolvePromise) => {
    const via = ssh ? ['--ssh', 'nd-test', '--ssh-config', ssh.clientConfig] : [];
    const p = spawn(NODE, [CLI, 'tail', ...via, '--from-start', '--format', 'json', '--config', root, lg.file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = 0;
    let lastOut = performance.now();
    const t0 = performance.now();
    const rss = [];
    let stderr = '';
    p.stdout.on('data', (d) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) out++;
      lastOut = performance.now();
    });
    p.stderr.on('data', (d) => (stderr += d));
    const sampler = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) rss.push({ t: performance.now() - t0, mb: Number(m[1]) / 1024, out });
      } catch { /* exited */ }
      const idle = performance.now() - lastOut;
      if (out >= lg.lines || (out > 0 && idle > 2000) || performance.now() - t0 > seconds * 1000) finish();
    }, 200);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      clearInterval(sampler);
      p.kill('SIGINT');
      resolvePromise({ out, ms: lastOut - t0, rss, exit: p.exitCode, stderr });
    }
    p.on('exit', () => finish());
  });
}
if (want('tail')) {
  const n = QUICK ? 100_000 : 1_000_000;
  const lg = logs[n];
  log(`tail ${n} lines`);
  const t = await tailBench(lg, QUICK ? 20 : 120);
  if (!t) {
    row({ area: 'tail', what: 'tail: sustained lines/s, RSS flat', value: 'not measurable yet (dist/cli.js has no tail)', reference: '', ratio: '', goal: '', met: '' });
  } else if (t.out === 0) {
    notes.push(`tail printed nothing: ${t.stderr.slice(0, 300)}`);
    row({ area: 'tail', what: 'tail: sustained lines/s, RSS flat', value: 'no output (see notes)', reference: '', ratio: '', goal: '', met: '' });
  } else {
    const mbs = t.rss.map((s) => s.mb);
    const half = t.rss.filter((s) => s.t > t.ms / 2).map((s) => s.mb);
    const early = t.rss.filter((s) => s.t <= t.ms / 2 && s.t > 1000).map((s) => s.mb);
    const flat = early.length && half.length ? median(half) - median(early) : NaN;
    row({ area: 'tail', what: `tail --from-start ${n.toLocaleString('en')} lines (json)`, value: `${(t.out / (t.ms / 1000) / 1000).toFixed(1)}k lines/s out (${t.out} lines in ${(t.ms / 1000).toFixed(1)} s)`, reference: `RSS ${Math.min(...mbs).toFixed(0)}–${Math.max(...mbs).toFixed(0)} MB, 2nd-half median − 1st-half median ${flat.toFixed(1)} MB`, ratio: '', goal: 'RSS flat', met: verdict(Math.abs(flat) < 20) });
  }
  loadSamples.push(load());
  // the same log through a real sshd on 127.0.0.1 (the test tier's throwaway server; needs root)
  const sshdHelper = join(REPO, 'out', 'test', 'helpers', 'sshd.js');
  const { createRequire } = await import('node:module');
  const helper = existsSync(sshdHelper) ? createRequire(import.meta.url)(sshdHelper) : null;
  const why = helper ? helper.sshdAvailable() : 'out/test/helpers/sshd.js is missing (npx tsc -b)';
  if (why) {
    row({ area: 'tail', what: `tail over SSH, ${n.toLocaleString('en')} lines (json)`, value: `not measured: ${why}`, reference: '', ratio: '', goal: '', met: '' });
  } else {
    log(`tail ${n} lines over SSH`);
    const sshd = await helper.startSshd();
    try {
      const s = await tailBench(lg, QUICK ? 30 : 180, sshd);
      const mbs = s.rss.map((x) => x.mb);
      const early = s.rss.filter((x) => x.t <= s.ms / 2 && x.t > 1000).map((x) => x.mb);
      const late = s.rss.filter((x) => x.t > s.ms / 2).map((x) => x.mb);
      const flat = early.length && late.length ? median(late) - median(early) : NaN;
      const peak = mbs.length ? Math.max(...mbs) : NaN;
      if (s.out < lg.lines) notes.push(`tail over SSH delivered ${s.out} of ${lg.lines} lines: ${s.stderr.slice(0, 300)}`);
      // the budget stated in docs/tail.md: peak RSS under 256 MB, second half within 32 MB of the first
      row({ area: 'tail', what: `tail over SSH (real sshd on 127.0.0.1), ${n.toLocaleString('en')} lines (json)`, value: `${(s.out / (s.ms / 1000) / 1000).toFixed(1)}k lines/s out (${s.out} lines in ${(s.ms / 1000).toFixed(1)} s)`, reference: `RSS ${Math.min(...mbs).toFixed(0)}–${peak.toFixed(0)} MB, 2nd-half median − 1st-half median ${flat.toFixed(1)} MB`, ratio: '', goal: 'peak < 256 MB, halves within 32 MB', met: verdict(peak < 256 && Math.abs(flat) < 32 && s.out >= lg.lines) });
    } finally {
      await sshd.stop();
    }
  }
}

// ---------- 4b. tail over a fleet: 4 real sshd hosts x 250,000 lines each, one process ----------
if (want('tail')) {
  const perHost = QUICK ? 25_000 : 250_000;
  const file = join(BENCH, `error-${perHost}-${LOG_TREE}.log`);
  if (!existsSync(file + '.json')) writeFileSync(file + '.json', JSON.stringify(genLog(file, perHost, SIZES.find(([s]) => s === LOG_TREE)[1])));
  log(`tail 4 hosts x ${perHost} lines over SSH`);
  const f = await tailFleetBench({ node: NODE, cli: CLI, repo: REPO, root: trees[LOG_TREE].root, log: file, perHost, seconds: QUICK ? 60 : 300 });
  const what = `tail, 4 SSH hosts (real sshd x4 on 127.0.0.1) x ${perHost.toLocaleString('en')} lines, one process (json)`;
  if (f.skipped) {
    row({ area: 'tail', what, value: `not measured: ${f.skipped}`, reference: '', ratio: '', goal: '', met: '' });
  } else {
    const mbs = f.rss.map((x) => x.mb);
    const early = f.rss.filter((x) => x.t <= f.ms / 2 && x.t > 1000).map((x) => x.mb);
    const late = f.rss.filter((x) => x.t > f.ms / 2).map((x) => x.mb);
    const flat = early.length && late.length ? median(late) - median(early) : NaN;
    const lps = f.out / (f.ms / 1000);
    if (f.out < f.total) notes.push(`tail over 4 hosts delivered ${f.out} of ${f.total} lines: ${f.stderr.slice(0, 300)}`);
    row({ area: 'tail', what, value: `${(lps / 1000).toFixed(1)}k lines/s in total (${f.out} lines in ${(f.ms / 1000).toFixed(1)} s)`, reference: `RSS ${Math.min(...mbs).toFixed(0)}–${Math.max(...mbs).toFixed(0)} MB, 2nd-half median − 1st-half median ${flat.toFixed(1)} MB`, ratio: '', goal: '≥ 100k lines/s in total, halves within 32 MB', met: verdict(lps >= 100_000 && Math.abs(flat) < 32 && f.out >= f.total) });
  }
  loadSamples.push(load());
}

// ---------- 5. hostile inputs (docs/security.md): catastrophic regexes, a glob bomb, a 50 MB document ----------
if (want('hostile') && !QUICK) {
  const r = spawnSync(NODE, [join(REPO, 'scripts/bench/hostile.mjs'), '--json', '--timeout', '60'], { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  let results = [];
  try {
    results = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  } catch {
    notes.push(`hostile-input bench failed: ${(r.stderr || r.stdout || '').slice(-400)}`);
  }
  for (const x of results) {
    const limit = x.goal ? Number(/[\d.]+/.exec(x.goal)[0]) : NaN;
    row({ area: 'hostile', what: x.what, value: x.value, reference: '', ratio: '', goal: x.goal ?? '', met: x.goal ? verdict(x.n <= limit) : '' });
  }
  loadSamples.push(load());
}

// ---------- 6. extension: sizes, .vsix, activation ----------
if (want('ext')) {
  const sizes = ['extension', 'server', 'cli'].map((b) => `${b}.js ${(statSync(join(REPO, 'dist', `${b}.js`)).size / 1024).toFixed(0)} KB`);
  row({ area: 'ext', what: 'bundle sizes dist/*.js (as currently built)', value: sizes.join(', '), reference: '', ratio: '', goal: '', met: '' });
  // The .vsix: packaged in an isolated copy (.bench/pkg) so that vscode:prepublish's production build
  // does not overwrite the dist/ other processes use; --no-package (and --quick) measure the newest
  // .vsix in the repo root instead.
  let vsix = null;
  let prodExtension = null;
  if (!QUICK && !argv.includes('--no-package')) {
    const pkg = join(BENCH, 'pkg');
    rmSync(pkg, { recursive: true, force: true });
    mkdirSync(pkg, { recursive: true });
    for (const f of ['client', 'server', 'syntaxes', 'package.json', 'esbuild.mjs', 'tsconfig.base.json', 'tsconfig.json', 'language-configuration.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'icon.png', '.vscodeignore']) {
      if (existsSync(join(REPO, f))) cpSync(join(REPO, f), join(pkg, f), { recursive: true });
    }
    execSync(`ln -s ${JSON.stringify(join(REPO, 'node_modules'))} ${JSON.stringify(join(pkg, 'node_modules'))}`);
    log('packaging the .vsix in .bench/pkg (production build)');
    const r = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--out', join(pkg, 'bench.vsix')], { cwd: pkg, encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0 && existsSync(join(pkg, 'bench.vsix'))) {
      vsix = { f: 'npm run package in .bench/pkg, now', size: statSync(join(pkg, 'bench.vsix')).size };
      const prodSizes = ['extension', 'server', 'cli'].map((b) => `${b}.js ${(statSync(join(pkg, 'dist', `${b}.js`)).size / 1024).toFixed(0)} KB`);
      row({ area: 'ext', what: 'bundle sizes, production build (vscode:prepublish)', value: prodSizes.join(', '), reference: '', ratio: '', goal: '', met: '' });
      prodExtension = join(pkg, 'dist', 'extension.js');
    } else notes.push(`npm run package in .bench/pkg failed: ${(r.stderr || r.stdout || '').slice(-400)}`);
  }
  if (!vsix) {
    const vsixes = readdirSync(REPO).filter((f) => f.endsWith('.vsix')).map((f) => ({ f, st: statSync(join(REPO, f)) })).sort((a, b) => b.st.mtimeMs - a.st.mtimeMs);
    if (vsixes.length) vsix = { f: `${vsixes[0].f}, built ${vsixes[0].st.mtime.toISOString().slice(0, 16)}Z`, size: vsixes[0].st.size };
  }
  if (vsix) {
    row({ area: 'ext', what: `.vsix size (${vsix.f})`, value: `${(vsix.size / 1024).toFixed(0)} KB`, reference: '', ratio: '', goal: '< 1 MB', met: verdict(vsix.size < 1024 * 1024) });
  } else {
    row({ area: 'ext', what: '.vsix size', value: 'no .vsix: run `npm run package`', reference: '', ratio: '', goal: '< 1 MB', met: '' });
  }
  for (const [label, file] of [['dev build', join(REPO, 'dist/extension.js')], ...(prodExtension ? [['production build', prodExtension]] : [])]) {
    const act = repeat(QUICK ? 3 : 10, () => {
      const r = spawnSync(NODE, [join(REPO, 'scripts/bench/activate.cjs'), file], { encoding: 'utf8' });
      try { return JSON.parse(r.stdout); } catch { notes.push(`activation probe failed: ${r.stderr.slice(0, 300)}`); return null; }
    }).filter(Boolean);
    const req = act.map((a) => a.requireMs);
    const actv = act.filter((a) => !a.activateError).map((a) => a.activateMs).filter((x) => x != null);
    if (act.some((a) => a.activateError)) notes.push(`activate() with stubs threw (${label}): ${act.find((a) => a.activateError).activateError}`);
    row({ area: 'ext', what: `activation estimate (${label}): require(extension.js) with stub vscode`, value: fmt(req, 'ms', 1), reference: actv.length ? `+ activate() with stubs ${fmt(actv, 'ms', 1)}` : '', ratio: '', goal: '< 100 ms', met: verdict(median(req) + (actv.length ? median(actv) : 0) < 100) });
  }
}

// ---------- 5b. issue #19: the hosting tree (one site per file, ~1,000 distinctly named servers) ----------
if (want('hosting')) {
  const tree = hosting;
  const tag = `hosting (${tree.directives} dirs / ${tree.files} files / ${tree.servers} servers)`;
  log(`check ${tag} x${RUNS}`);
  const ours = repeat(RUNS, () => timed(NODE, [CLI, 'check', '--format', 'json', tree.root], { stdout: 'ignore' }));
  if (ours.some((r) => r.status !== 0 && r.status !== 1)) notes.push(`check hosting exited ${ours.map((r) => r.status).join(',')}`);
  const ng = nginxBin ? repeat(RUNS, () => nginxT(tree)) : [];
  if (ng.some((r) => r.status !== 0)) notes.push(`nginx -t on hosting failed: ${ng.find((r) => r.status !== 0).stderr.slice(0, 300)}`);
  const ms = ours.map((r) => r.ms);
  const ngMs = ng.filter((r) => r.status === 0).map((r) => r.ms);
  const r1 = ratio(median(ms), median(ngMs));
  row({ area: 'hosting', what: `check ${tag}: wall vs nginx -t`, value: fmt(ms), reference: `nginx -t ${fmt(ngMs)}`, ratio: rx(r1), goal: '≤ 0.5x (compass 0.25x)', met: verdict(r1 <= 0.5) });
  const mb = ours.map((r) => r.rssMB);
  row({ area: 'hosting', what: `check hosting: peak RSS`, value: fmt(mb, 'MB'), reference: `nginx -t ${fmt(ng.map((r) => r.rssMB), 'MB')}`, ratio: rx(ratio(median(mb), median(ng.map((r) => r.rssMB)))), goal: '< 250 MB', met: verdict(median(mb) < 250) });
  loadSamples.push(load());

  const lg = tree.log;
  const runs = Math.min(RUNS, 3);
  log(`explain ${lg.n} lines vs the hosting tree x${runs}`);
  const ex = repeat(runs, () => timed(NODE, [CLI, 'explain', '--config', tree.root, lg.file], { stdout: 'ignore' }));
  if (ex.some((r) => r.status !== 0)) notes.push(`explain hosting exited ${ex.map((r) => r.status)}: ${ex[0].stderr.slice(0, 200)}`);
  const gr = repeat(runs, () => timed('grep', ['-c', 'upstream', lg.file]));
  const exMs = ex.map((r) => r.ms);
  const exMb = ex.map((r) => r.rssMB);
  const r2 = ratio(median(exMs), median(gr.map((g) => g.ms)));
  row({ area: 'hosting', what: `explain ${lg.n.toLocaleString('en')} lines (${(lg.bytes / 1e6).toFixed(0)} MB) vs the hosting tree`, value: `${fmt(exMs)}, ${fmt(exMb, 'MB')}`, reference: `grep -c upstream ${fmt(gr.map((g) => g.ms))}`, ratio: rx(r2), goal: '≤ 5 s, ≤ 300 MB', met: verdict(median(exMs) <= 5000 && median(exMb) <= 300) });
  loadSamples.push(load());

  const sites = readdirSync(join(tree.dir, 'sites')).sort();
  const site = join(tree.dir, 'sites', sites[Math.floor(sites.length / 2)]);
  log(`lsp: site file ${site} of the hosting tree x${EDITS} edits`);
  const l = lsp(tree.dir, site, EDITS);
  if (l) {
    const med = median(l.samples);
    const p95 = quantile(l.samples, 0.95);
    row({ area: 'hosting', what: `keystroke → diagnostics, site file of the hosting tree (median / p95)`, value: `${med.toFixed(0)} / ${p95.toFixed(0)} ms (n=${l.samples.length}, ${Math.min(...l.samples).toFixed(0)}–${Math.max(...l.samples).toFixed(0)})`, reference: `check whole tree ${fmt(ms)}`, ratio: rx(ratio(med, median(ms))), goal: '≤ 50 / ≤ 100 ms', met: verdict(med <= 50 && p95 <= 100) });
    row({ area: 'hosting', what: `open site file of the hosting tree → its first diagnostics`, value: `${l.openMs.toFixed(0)} ms`, reference: `check whole tree ${fmt(ms)}`, ratio: rx(ratio(l.openMs, median(ms))), goal: '≤ 1 s', met: verdict(l.openMs <= 1000) });
  }
  loadSamples.push(load());

  log(`tail ${lg.n} lines vs the hosting tree`);
  const t = await tailBench(lg, QUICK ? 30 : 180, null, tree.root);
  if (t && t.out > 0) {
    const mbs = t.rss.map((x) => x.mb);
    const early = t.rss.filter((x) => x.t <= t.ms / 2 && x.t > 1000).map((x) => x.mb);
    const late = t.rss.filter((x) => x.t > t.ms / 2).map((x) => x.mb);
    const flat = early.length && late.length ? median(late) - median(early) : NaN;
    const lps = t.out / (t.ms / 1000);
    row({ area: 'hosting', what: `tail --from-start ${lg.n.toLocaleString('en')} lines (json) vs the hosting tree`, value: `${(lps / 1000).toFixed(1)}k lines/s out (${t.out} lines in ${(t.ms / 1000).toFixed(1)} s)`, reference: `RSS ${Math.min(...mbs).toFixed(0)}–${Math.max(...mbs).toFixed(0)} MB, 2nd-half median − 1st-half median ${flat.toFixed(1)} MB`, ratio: '', goal: '≥ 100k lines/s, RSS flat', met: verdict(lps >= 100_000 && Math.abs(flat) < 20) });
  } else notes.push(`tail vs the hosting tree printed nothing: ${t?.stderr.slice(0, 300)}`);
  loadSamples.push(load());
}

// ---------- 5c. what the tests no longer time (issue #19): a 100 MB log on stdin, a 50 MB config ----------
if (want('big')) {
  // test/cli/explain.test.ts streams this through a 96 MB heap (bounded memory); its speed is measured here
  const dir = join(REPO, 'test', 'fixtures', 'logs', 'cli');
  const file = join(BENCH, 'stdin-100mb.log');
  if (!existsSync(file)) {
    const block = Buffer.from((readFileSync(join(dir, 'error.log'), 'utf8') + readFileSync(join(dir, 'access.log'), 'utf8')).repeat(400));
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(file, 'w');
    for (let n = 0; n < 100 * 1024 * 1024; n += block.length) writeSync(fd, block);
    closeSync(fd);
  }
  const { openSync, closeSync } = await import('node:fs');
  const runs = Math.min(RUNS, 3);
  log(`explain 100 MB from stdin x${runs}`);
  const st = repeat(runs, () => {
    const fd = openSync(file, 'r');
    try {
      return timed(NODE, ['--max-old-space-size=96', CLI, 'explain', '--config', 'nginx.conf', '--format', 'json', '-'], { stdout: 'ignore', spawn: { cwd: dir, stdio: [fd, 'ignore', 'pipe'] } });
    } finally {
      closeSync(fd);
    }
  });
  const mbps = st.map((r) => statSync(file).size / 1024 / 1024 / (r.ms / 1000));
  if (st.some((r) => r.status !== 0)) notes.push(`explain from stdin exited ${st.map((r) => r.status)}: ${st[0].stderr.slice(0, 200)}`);
  row({ area: 'big', what: `explain ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB of the CLI fixture logs from stdin, 96 MB heap (test/cli/explain.test.ts)`, value: fmt(mbps, 'MB/s', 1), reference: `${fmt(st.map((r) => r.ms))}, ${fmt(st.map((r) => r.rssMB), 'MB')}`, ratio: '', goal: '> 5 MB/s', met: verdict(median(mbps) > 5) });
  loadSamples.push(load());
  const w = join(REPO, 'out', 'test', 'hardening', 'worker.js');
  if (!QUICK && existsSync(w)) {
    log('50 MB config (analyse + format) x1');
    const r = spawnSync(NODE, [w, 'big-config'], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, NGINX_DOCTOR_BIG_MB: '50' } });
    let res = null;
    try { res = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { notes.push(`50 MB config scenario failed: ${(r.stderr || '').slice(-300)}`); }
    if (res) row({ area: 'big', what: '50 MB config (229,000 server blocks): analyse + format in-process (test/hardening/pathological.test.ts)', value: `${(res.ms / 1000).toFixed(1)} s, ${res.maxRssMb} MB`, reference: '', ratio: '', goal: '≤ 120 s, < 3.5 GB', met: verdict(res.ms <= 120_000 && res.maxRssMb < 3584) });
  }
  loadSamples.push(load());
}

// ---------- 6. profile ----------
let profile = null;
if (argv.includes('--profile')) {
  const tname = QUICK ? 'small' : 'large';
  const dir = join(BENCH, 'prof');
  rmSync(dir, { recursive: true, force: true });
  spawnSync(NODE, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, 'check', '--format', 'json', trees[tname].root], { stdio: 'ignore' });
  const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
  profile = { tree: tname, file: join(dir, f), top: summarizeProfile(join(dir, f), 15) };
  console.log(`\nCPU profile of check on the ${tname} tree (${profile.file}):`);
  for (const t of profile.top) console.log(`  ${t.selfPct.toFixed(1).padStart(5)}% self ${t.totalPct.toFixed(1).padStart(5)}% total  ${t.name}  ${t.where}`);
}

// ---------- output ----------
loadSamples.push(load());
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? '?',
  memGB: (totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  nginx: nginxBin ? spawnSync(nginxBin, ['-v'], { encoding: 'utf8' }).stderr.trim() : 'none',
  load: loadSamples,
  date: new Date().toISOString(),
  runs: RUNS,
};
if (notes.length) console.log('\nNotes:\n' + notes.map((n) => '- ' + n).join('\n'));
console.log(`\nmachine: ${machine.nproc} cores (${machine.cpu}), ${machine.memGB} GB, Node ${machine.node}, ${machine.nginx}; load (1/5/15 min) during the run: ${loadSamples.join(' | ')}`);
writeFileSync(join(BENCH, QUICK ? 'results-quick.json' : 'results.json'), JSON.stringify({ machine, rows, notes, profile, trees, logs }, null, 2));

if (WRITE_DOC) {
  const { renderDoc } = await import('./doc.mjs');
  const docPath = join(REPO, 'docs', 'benchmarks.md');
  const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  writeFileSync(docPath, renderDoc({ machine, rows, notes, profile, trees, logs }, previous));
  log('wrote docs/benchmarks.md');
}
