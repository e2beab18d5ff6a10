// Hostile inputs (issue #14, docs/security.md): how long nginx-doctor takes on a catastrophic regex,
// a glob bomb and a huge document, measured through the CLI and the language server over stdio.
//   node scripts/bench/hostile.mjs [--dist DIR] [--only redos,glob,huge] [--timeout S] [--json]
// --dist points at another build (e.g. a copy of an older dist/ with its out/test/helpers) to measure
// before/after. Every run is bounded by --timeout seconds (default 60): a stall prints "> Ns".
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const opt = (name, def) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : def);
const DIST = resolve(opt('dist', 'dist'));
const OUT = resolve(DIST, '..', 'out');
const ONLY = opt('only', 'redos,glob,huge').split(',');
const TIMEOUT = Number(opt('timeout', '60')) * 1000;
const CLI = join(DIST, 'cli.js');
const SERVER = join(DIST, 'server.js');
const results = [];
/** goal: { limit, unit } for the rows with a target (npm run bench shows met/MISSED); n: the measured number. */
const row = (what, value, n, goal) => {
  results.push({ what, value, ...(n !== undefined ? { n } : {}), ...(goal ? { goal } : {}) });
  if (!argv.includes('--json')) console.log(`${what}: ${value}`);
};

function cli(cwd, ...args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, ...args], { cwd, encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  const rss = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024;
  return { ms, timedOut: r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM', code: r.status, out: r.stdout ?? '', err: r.stderr ?? '', rss };
}
const ms = (r) => (r.timedOut ? `> ${TIMEOUT / 1000} s (killed)` : `${Math.round(r.ms)} ms`);

const LOG = (uri) => `2026/11/22 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.1, server: _, request: "GET ${uri} HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "example.com"`;
const CONF = 'events {}\nhttp {\n    server {\n        listen 80;\n        location ~ ^/(a+)+$ { proxy_pass http://127.0.0.1:9; }\n        location ~ ^/((x|xx)+)+y$ { proxy_pass http://127.0.0.1:9; }\n        location ~ ^/(\\w+\\s?)*$ { proxy_pass http://127.0.0.1:9; }\n        location ~ ^/(a|a)*\\1b$ { proxy_pass http://127.0.0.1:9; }\n        location / { proxy_pass http://127.0.0.1:9; }\n    }\n}\n';

async function lsp(folder) {
  const require = createRequire(import.meta.url);
  const { LspClient } = require(join(OUT, 'test', 'helpers', 'lsp-client.js'));
  const { client } = await LspClient.start({ folders: [folder], trusted: false, command: [SERVER, '--stdio'] });
  return client;
}
const within = (p, t) => Promise.race([p.then((v) => ({ v }), () => ({ timedOut: true })), new Promise((r) => setTimeout(() => r({ timedOut: true }), t))]);
/** Stops the server; kills it when it does not answer (a stalled server would outlive the bench). */
async function stop(client) {
  await within(client.stop(), 5000);
  try {
    client.proc.kill('SIGKILL');
  } catch {
    // already gone
  }
}
const peakRss = (client) => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${client.proc.pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
};

async function redos() {
  const dir = mkdtempSync(join(tmpdir(), 'nd-redos-'));
  try {
    writeFileSync(join(dir, 'nginx.conf'), CONF);
    const base = cli(dir, 'match', '--config', 'nginx.conf', 'http://example.com/b');
    row('redos: match http://example.com/b (start-up + benign URL)', ms(base));
    for (const n of [20, 22, 24, 27, 29, 1000]) {
      const r = cli(dir, 'match', '--config', 'nginx.conf', `http://example.com/${'a'.repeat(n)}!`);
      row(`redos: match /${n > 30 ? 'a×' + n : 'a'.repeat(n)}! (location ~ ^/(a+)+$), CLI wall`, r.timedOut ? ms(r) : `${Math.round(r.ms)} ms (a benign URL: ${Math.round(base.ms)} ms)`);
      if (r.timedOut) break;
    }
    for (const n of [24, 29]) {
      writeFileSync(join(dir, 'one.log'), LOG(`/${'a'.repeat(n)}!`) + '\n');
      const r = cli(dir, 'explain', '--config', 'nginx.conf', '--format', 'json', 'one.log');
      row(`redos: explain one log line with ${n} a's (CLI wall)`, ms(r));
      if (r.timedOut) break;
    }
    // the editor: 500 distinct hostile lines in one nginxDoctor/explainLines request
    const lines = Array.from({ length: 500 }, (_, i) => LOG(i % 2 ? `/${'a'.repeat(25 + (i % 40))}!` : `/${'x'.repeat(20 + (i % 30))}z`));
    // in-process, per line (the core of this build): the slowest line and the median
    const core = join(OUT, 'server', 'src', 'core', 'index.js');
    if (existsSync(core) && !argv.includes('--no-inproc')) {
      const require = createRequire(import.meta.url);
      const c = require(core);
      const files = { '/n/nginx.conf': CONF };
      const host = { readFile: (p) => files[p], listDir: () => undefined, isDirectory: () => false };
      const set = c.buildConfigSet('/n/nginx.conf', { host, catalog: c.defaultCatalog() });
      const x = new c.Explainer(new c.Matcher(set, { hostname: 'h' }));
      const reader = new c.LogReader({});
      const times = [];
      // CPU time, not wall time: on a shared machine the wall clock also counts other processes
      const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
      const first = cpu();
      x.explain([...reader.push(lines[1]), ...reader.end()][0]);
      row('redos: in-process explain, first hostile line (compiles the regexes), CPU', `${(cpu() - first).toFixed(1)} ms`);
      for (const l of lines.slice(0, 60)) {
        const [entry] = [...reader.push(l), ...reader.end()];
        const t0 = cpu();
        x.explain(entry);
        times.push(cpu() - t0);
        if (times.at(-1) > TIMEOUT) break;
      }
      times.sort((p, q) => p - q);
      row('redos: in-process explain, 60 hostile lines: median / slowest line, CPU', `${times[times.length >> 1].toFixed(1)} / ${times.at(-1).toFixed(1)} ms`, times.at(-1), '≤ 50 ms per line');
    }
    const client = await lsp(dir);
    try {
      const t0 = performance.now();
      const r = await within(client.request('nginxDoctor/explainLines', { rootUri: pathToFileURL(join(dir, 'nginx.conf')).href, lines, failuresOnly: true }), TIMEOUT);
      const t = performance.now() - t0;
      if (r.timedOut) row('redos: LSP explainLines, 500 hostile lines', `> ${TIMEOUT / 1000} s`);
      else {
        const uncertain = r.v.explanations.filter((x) => x.reasons.some((s) => /too costly/.test(s))).length;
        row('redos: LSP explainLines, 500 hostile lines', `${Math.round(t)} ms (${r.v.explanations.length} explained, ${uncertain} with "too costly")`, t, '≤ 2000 ms');
      }
    } finally {
      await stop(client);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function glob() {
  const dir = mkdtempSync(join(tmpdir(), 'nd-glob-'));
  try {
    writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include */*/*/*/*/*/*/*/*/*/*/*.inc;\n}\n');
    writeFileSync(join(dir, 'x.inc'), 'server_tokens off;\n');
    for (const l of ['a', 'b', 'c']) symlinkSync('.', join(dir, l));
    // an absolute path: a relative one hid the bomb before #14 (the first glob segment was taken literally)
    const r = cli(dir, 'check', join(dir, 'nginx.conf'));
    const cap = /cap|too many|stopped/i.test(r.out) ? ' (cap reported)' : '';
    row('glob bomb: check (3 links -> ., 11 levels of */)', `${ms(r)}, peak RSS ${Math.round(r.rss)} MB, exit ${r.code}${cap}${/Maximum call stack/.test(r.err) ? ', "Maximum call stack size exceeded"' : ''}`);
    const client = await lsp(dir);
    try {
      const t0 = performance.now();
      await client.open(join(dir, 'nginx.conf'), readFileSync(join(dir, 'nginx.conf'), 'utf8'), 1);
      const d = await within(client.waitFor('diagnostics', () => client.diagnostics.has(pathToFileURL(join(dir, 'nginx.conf')).href), TIMEOUT), TIMEOUT);
      row('glob bomb: LSP open -> first diagnostics', d.timedOut ? `> ${TIMEOUT / 1000} s` : `${Math.round(performance.now() - t0)} ms, server peak RSS ${Math.round(peakRss(client))} MB`);
    } finally {
      await stop(client);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function huge() {
  const dir = mkdtempSync(join(tmpdir(), 'nd-huge-'));
  try {
    const unit = 'server {\nlisten 80;\nserver_name a.example.com;\nlocation / {\nproxy_pass http://127.0.0.1:9;\n}\n}\n';
    const text = `events {}\nhttp {\n${unit.repeat(Math.ceil((50 << 20) / unit.length))}}\n`;
    const big = join(dir, 'big.conf');
    const small = join(dir, 'small', 'nginx.conf');
    writeFileSync(big, text);
    mkdirSync(join(dir, 'small'));
    const smallText = 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://127.0.0.1:9; }\n    }\n}\n';
    writeFileSync(small, smallText);
    const client = await lsp(dir);
    try {
      await client.open(small, smallText, 1);
      await within(client.waitFor('small', () => client.diagnostics.has(pathToFileURL(small).href), TIMEOUT), TIMEOUT);
      let t0 = performance.now();
      await client.open(big, text, 1);
      const d = await within(client.waitFor('big', () => client.diagnostics.has(pathToFileURL(big).href), TIMEOUT), TIMEOUT);
      row(`huge document (${(text.length / 1048576).toFixed(0)} MB): open -> first diagnostics`, d.timedOut ? `> ${TIMEOUT / 1000} s` : `${Math.round(performance.now() - t0)} ms, server peak RSS ${Math.round(peakRss(client))} MB`);
      t0 = performance.now();
      const f = await within(client.request('textDocument/formatting', { textDocument: { uri: pathToFileURL(big).href }, options: { tabSize: 4, insertSpaces: true } }), TIMEOUT);
      row('huge document: formatting', f.timedOut ? `> ${TIMEOUT / 1000} s` : `${Math.round(performance.now() - t0)} ms, ${f.v?.length ?? 0} edits${client.messages.some((m) => /too large|MB/.test(m)) ? ' (refused with a message)' : ''}`);
      // a keystroke in the huge document, then a hover on the small one: how long does the hover wait?
      await client.edit(big, { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, '#', 2);
      t0 = performance.now();
      const h = await within(client.requestAt('textDocument/hover', small, 4, 12), TIMEOUT);
      row('huge document: hover on another file right after a keystroke in it', h.timedOut ? `> ${TIMEOUT / 1000} s` : `${Math.round(performance.now() - t0)} ms`);
      row('huge document: server peak RSS at the end', `${Math.round(peakRss(client))} MB`);
    } finally {
      await stop(client);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(CLI) || !existsSync(SERVER)) {
  console.error(`no build in ${DIST}`);
  process.exit(2);
}
if (ONLY.includes('redos')) await redos();
if (ONLY.includes('glob')) await glob();
if (ONLY.includes('huge')) await huge();
if (argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
process.exit(0);
