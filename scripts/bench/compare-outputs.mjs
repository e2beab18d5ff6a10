// Proof for refactorings: runs the CLI (check, fix --dry-run, explain, match) and the language
// server's explainLines/matchUrl requests on the bench trees, the demo, the corpus, the rule
// fixtures and the fixture logs, once with a build of BASE and once with this tree's build, and
// compares exit codes, stdout and stderr byte for byte.
//
//   node scripts/bench/compare-outputs.mjs [--base REV] [--keep] [--verbose]
//
// REV (default: main) is exported with `git archive` into a temporary directory and bundled
// there with this repository's node_modules. This tree must be built first (npm run build &&
// npx tsc -b: the LSP part uses out/test/helpers/lsp-client.js). Exit 0 when everything is
// identical, 1 when something differs (each difference is printed with its first differing line).
// The doctor is not compared: its rows depend on the live machine (processes, ports, times); its
// test tier covers it.
import { spawnSync, execSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { genTree, genLog, genHostingTree, LOCATION_FORMS } from './gen.mjs';

const REPO = resolve(new URL('../..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const BASE = opt('--base', 'main');
const KEEP = argv.includes('--keep');
const VERBOSE = argv.includes('--verbose');

for (const f of ['dist/cli.js', 'dist/server.js', 'out/test/helpers/lsp-client.js']) {
  if (!existsSync(join(REPO, f))) {
    console.error(`missing ${f}: run "npm run build && npx tsc -b" first`);
    process.exit(2);
  }
}

// ---------- the base build ----------
const work = mkdtempSync(join(tmpdir(), 'nd-compare-'));
const baseDir = join(work, 'base');
mkdirSync(baseDir);
const rev = execSync(`git rev-parse --short ${BASE}`, { cwd: REPO }).toString().trim();
execSync(`git archive ${rev} | tar -x -C ${baseDir}`, { cwd: REPO, shell: '/bin/sh' });
symlinkSync(join(REPO, 'node_modules'), join(baseDir, 'node_modules'));
execSync('node esbuild.mjs', { cwd: baseDir, stdio: 'inherit' });
const builds = {
  base: { cli: join(baseDir, 'dist', 'cli.js'), server: join(baseDir, 'dist', 'server.js') },
  new: { cli: join(REPO, 'dist', 'cli.js'), server: join(REPO, 'dist', 'server.js') },
};

// ---------- inputs ----------
const inputs = join(work, 'inputs');
const small = join(inputs, 'tree-small');
const medium = join(inputs, 'tree-medium');
genTree(small, 5);
genTree(medium, 107);
const benchLog = join(inputs, 'error-20000.log');
genLog(benchLog, 20_000, 107);
// the hosting tree of issue #19 (970 sites, one server each, names in every form) and a log over it
const hosting = join(inputs, 'tree-hosting');
genHostingTree(hosting, 970);
const hostingLog = join(inputs, 'error-30000-hosting.log');
genLog(hostingLog, 30_000, 970, 'hosting');

const R = (...p) => join(REPO, ...p);
/** Files under dir (links to directories are not followed: the fixtures hold a directory loop). */
function files(dir, pred) {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    if (lstatSync(p).isDirectory()) return files(p, pred);
    return pred(p) && isFile(p) ? [p] : [];
  });
}
function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
const confRoots = (dir) => readdirSync(dir).sort().map((e) => join(dir, e)).flatMap((p) => (statSync(p).isDirectory() ? (existsSync(join(p, 'nginx.conf')) ? [join(p, 'nginx.conf')] : []) : p.endsWith('.conf') ? [p] : []));
const ruleFixtures = files(R('test', 'fixtures', 'rules'), (p) => p.endsWith('.conf') && !p.endsWith('.fixed.conf'));

/** [name, argv] of every CLI run. */
const runs = [];
const checkTargets = [
  ['demo', [R('demo', 'nginx.conf')]],
  ['bench-small', [join(small, 'nginx.conf')]],
  ['bench-medium', [join(medium, 'nginx.conf')]],
  ['bench-hosting', [join(hosting, 'nginx.conf')]],
  ['corpus-valid', confRoots(R('test', 'corpus', 'valid'))],
  ['corpus-invalid', confRoots(R('test', 'corpus', 'invalid'))],
  ['rule-fixtures', ruleFixtures],
  ['cli-fixtures', files(R('test', 'fixtures', 'cli'), (p) => p.endsWith('.conf'))],
];
for (const [name, list] of checkTargets) {
  for (const format of ['json', 'sarif', 'text']) runs.push([`check ${name} ${format}`, ['check', '--format', format, ...list]]);
  runs.push([`check ${name} json 1.29.7`, ['check', '--format', 'json', '--nginx-version', '1.29.7', ...list]]);
  runs.push([`fix ${name} --dry-run`, ['fix', '--dry-run', ...list]]);
}
const logs = [
  ['demo error', R('demo', 'nginx.conf'), R('demo', 'error.log')],
  ['cli-fixture error', R('test', 'fixtures', 'logs', 'cli', 'nginx.conf'), R('test', 'fixtures', 'logs', 'cli', 'error.log')],
  ['cli-fixture access', R('test', 'fixtures', 'logs', 'cli', 'nginx.conf'), R('test', 'fixtures', 'logs', 'cli', 'access.log')],
  ['real error', R('test', 'fixtures', 'logs', 'real', 'nginx.conf'), R('test', 'fixtures', 'logs', 'real', 'error.log')],
  ['real access', R('test', 'fixtures', 'logs', 'real', 'nginx.conf'), R('test', 'fixtures', 'logs', 'real', 'access.log')],
  ['bench 20k', join(medium, 'nginx.conf'), benchLog],
  ['bench hosting 30k', join(hosting, 'nginx.conf'), hostingLog],
];
for (const [name, conf, log] of logs) {
  runs.push([`explain ${name} json`, ['explain', '--config', conf, '--format', 'json', log]]);
  runs.push([`explain ${name} json --all`, ['explain', '--config', conf, '--format', 'json', '--all', log]]);
  runs.push([`explain ${name} text`, ['explain', '--config', conf, log]]);
}
const demoUrls = ['http://shop.example.com/', 'http://shop.example.com/api/orders/1', 'https://shop.example.com/ws/chat', 'http://admin.example.com/', 'http://admin.example.com/login', 'http://unknown.example/x', 'http://shop.example.com/static/a.css', 'http://[::1]:8080/x', 'https://shop.example.com:443/%2e%2e/etc'];
const benchUrls = [];
for (let f = 0; f < 5; f++) for (let l = 0; l < 12; l++) benchUrls.push(`http://site${f}-${l % 2}.example.test/${LOCATION_FORMS[l % LOCATION_FORMS.length].uri(f, l).replace(/^\//, '')}`);
// the hosting tree's names in every form: exact, www., leading and trailing wildcards, regex, none
const hostingUrls = [];
for (const f of [0, 5, 25, 50, 333, 969]) {
  for (const l of [0, 2, 5, 28]) {
    const path = LOCATION_FORMS[l % LOCATION_FORMS.length].uri(f, l);
    for (const host of [`site${f}.example.test`, `www.site${f}.example.test`, `shop.site${f}.example.test`, `site${f}.example.org`, `blog.site${f}.example.org`, 'nobody.example']) hostingUrls.push(`http://${host}${path}`);
  }
}
for (const format of ['json', 'text']) {
  runs.push([`match bench-hosting ${format}`, ['match', '--config', join(hosting, 'nginx.conf'), '--format', format, ...hostingUrls]]);
  runs.push([`match demo ${format}`, ['match', '--config', R('demo', 'nginx.conf'), '--format', format, ...demoUrls]]);
  runs.push([`match bench-small ${format}`, ['match', '--config', join(small, 'nginx.conf'), '--format', format, ...benchUrls]]);
}
runs.push(['usage error', ['explain', '--format', 'yaml']]);

// ---------- run and compare ----------
function cli(build, args) {
  const r = spawnSync(process.execPath, [builds[build].cli, ...args], { cwd: inputs, encoding: 'buffer', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let same = 0;
const diffs = [];
/**
 * Intended changes, each with its reason: [old text, new text]. They are applied to the base's
 * output before comparing, and every one that applied is listed, so the proof says exactly what
 * changed on purpose; everything else must be byte-identical.
 */
const INTENDED = [
  // section 2 of issue #15: defaults come from the catalog, written one way (core/upstream/settings.ts)
  ['the default of one memory page (4k or 8k) applies', 'the default 4k or 8k (one memory page) applies'],
  ['the default 8 pages applies', 'the default 8 4k or 8 8k applies'],
  // the explain report's settings list only directives the module has: nginx has no grpc_buffers
  [',{"name":"grpc_buffers","value":"8 4k or 8 8k","file":"","line":0,"isDefault":true}', ''],
];
const applied = new Map();

function intended(buf) {
  let text = buf.toString('latin1');
  for (const [from, to] of INTENDED) {
    const parts = text.split(from);
    if (parts.length > 1) {
      applied.set(from, (applied.get(from) ?? 0) + parts.length - 1);
      text = parts.join(to);
    }
  }
  return Buffer.from(text, 'latin1');
}

function compare(name, a, b) {
  for (const k of Object.keys(a)) {
    const x = intended(Buffer.isBuffer(a[k]) ? a[k] : Buffer.from(JSON.stringify(a[k])));
    const y = Buffer.isBuffer(b[k]) ? b[k] : Buffer.from(JSON.stringify(b[k]));
    if (!x.equals(y)) {
      const xl = x.toString().split('\n');
      const yl = y.toString().split('\n');
      let i = 0;
      while (i < xl.length && xl[i] === yl[i]) i++;
      const changed = xl.filter((l, j) => l !== yl[j]).length;
      const [p, q] = [xl[i] ?? '', yl[i] ?? ''];
      let c = 0;
      while (c < p.length && p[c] === q[c]) c++;
      const from = Math.max(0, c - 160);
      diffs.push(`${name} [${k}]: ${changed} of ${xl.length} line(s) differ; first at line ${i + 1}, column ${c + 1}:\n  - ${p.slice(from, c + 240)}\n  + ${q.slice(from, c + 240)}`);
      return;
    }
  }
  same++;
  if (VERBOSE) console.log(`same: ${name}`);
}

for (const [name, args] of runs) compare(name, cli('base', args), cli('new', args));

// the language server: explainLines over every line of each log, matchUrl for the URLs
const require = createRequire(import.meta.url);
const { LspClient } = require(R('out', 'test', 'helpers', 'lsp-client.js'));
async function lsp(build) {
  const out = {};
  for (const [name, conf, log] of logs.filter(([n]) => !n.startsWith('bench'))) {
    const { client } = await LspClient.start({ folders: [resolve(conf, '..')], trusted: false, command: [builds[build].server, '--stdio'] });
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l);
    out[`explainLines ${name}`] = await client.conn.sendRequest('nginxDoctor/explainLines', { rootUri: conf, lines });
    out[`explainLines ${name} failuresOnly`] = await client.conn.sendRequest('nginxDoctor/explainLines', { rootUri: conf, lines, failuresOnly: true });
    if (name.startsWith('demo')) for (const url of demoUrls) out[`matchUrl ${url}`] = await client.conn.sendRequest('nginxDoctor/matchUrl', { rootUri: conf, url });
    await client.stop();
  }
  return out;
}
const lspBase = await lsp('base');
const lspNew = await lsp('new');
for (const k of Object.keys(lspBase)) compare(`lsp ${k}`, { result: lspBase[k] }, { result: lspNew[k] });

const total = runs.length + Object.keys(lspBase).length;
console.log(`compare-outputs: base ${rev} vs this tree: ${same} of ${total} outputs identical (exit code, stdout, stderr)${applied.size ? ' after the intended changes below' : ''}`);
for (const [from, n] of applied) console.log(`  intended: "${from}" -> "${INTENDED.find(([f]) => f === from)[1]}" (${n}x)`);
for (const d of diffs) console.log(`DIFFERS ${d}`);
if (KEEP) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exit(diffs.length ? 1 : 0);
