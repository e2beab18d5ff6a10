// Pathological inputs, each run in a child process with a timeout so a hang or a stack overflow
// fails the test instead of blocking the run. Budgets in the names are generous guards against
// hangs and explosions, not speed tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, defaultCatalog } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';
import { tempTree } from '../helpers/temp-tree';
import { CLI } from '../helpers/repo';

const WORKER = join(__dirname, 'worker.js');

function scenario(name: string, timeoutMs: number, env: Record<string, string> = {}): { ms: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, [WORKER, name], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  assert.equal(r.signal, null, `${name} did not finish within ${timeoutMs} ms`);
  assert.equal(r.status, 0, `${name} failed:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMb: number };
}

test('10,000 levels of nesting: lexer, parser, config set, model, rules, fixes, formatter, outline, folding within 60 s and under 1 GB (no stack overflow)', () => {
  for (const s of ['deep-nesting', 'deep-nesting-unclosed', 'deep-detached-braces']) {
    const r = scenario(s, 60_000);
    assert.ok(r.maxRssMb < 1024, `${s}: ${r.maxRssMb} MB`);
  }
});

test('1 MB single lines (50,000 statements on one line, a 1 MB string, comment and word) are analysed and formatted within 60 s and under 1 GB', () => {
  const r = scenario('long-line', 60_000);
  assert.ok(r.maxRssMb < 1024, `${r.maxRssMb} MB`);
});

// 50 MB used to take > 170 s and 2.8 GB (fixes of every diagnostic built eagerly, each scanning
// the whole file for its line endings); now ~20 s and ~2.7 GB, most of it the formatter's. The
// time is a bench row (npm run bench: "50 MB config"); the 15-minute limit only catches a hang.
test('a 50 MB config (229,000 server blocks) is analysed and formatted under 3.5 GB', () => {
  const r = scenario('big-config', 900_000, { NGINX_DOCTOR_BIG_MB: '50' });
  assert.ok(r.maxRssMb < 3584, `${r.maxRssMb} MB`);
});

test('include cycles (self, mutual, through a glob) are reported, never followed forever', () => {
  const files = {
    '/n/nginx.conf': 'events {}\nhttp { include nginx.conf; include a.conf; include conf.d/*.conf; }\n',
    '/n/a.conf': 'include b.conf;\n',
    '/n/b.conf': 'include a.conf;\n',
    '/n/conf.d/x.conf': 'include conf.d/*.conf;\n',
  };
  const a = analyze('/n/nginx.conf', { host: memoryHost(files), catalog: defaultCatalog() });
  const cycles = a.diagnostics.filter((d) => d.code === 'include-cycle');
  assert.ok(cycles.length >= 3, JSON.stringify(cycles.map((d) => d.message)));
});

test('a glob matching 10,000 files is checked by the CLI within 60 s', () => {
  const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n' };
  for (let i = 0; i < 10_000; i++) files[`conf.d/s${i}.conf`] = `server { listen ${1000 + (i % 60000)}; server_name s${i}; location / { return 204; } }\n`;
  const t = tempTree(files);
  try {
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', t.path('nginx.conf')], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
    assert.equal(r.signal, null, 'timed out');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    JSON.parse(r.stdout);
  } finally {
    t.remove();
  }
});

test('binary files, CRLF, a BOM and invalid UTF-8 are checked without a crash', () => {
  const bin = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919 + 13) & 0xff;
  const t = tempTree({
    'nginx.conf': '\ufeffevents {}\r\nhttp {\r\n  include bin.conf;\r\n  include bad.conf;\r\n  server { listen 80; }\r\n}\r\n',
  });
  try {
    writeFileSync(t.path('bin.conf'), bin);
    writeFileSync(t.path('bad.conf'), Buffer.from([0x67, 0x7a, 0x69, 0x70, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x3b, 0x0a]));
    const r = spawnSync(process.execPath, [CLI, 'check', t.path('nginx.conf')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'a stack trace was printed');
  } finally {
    t.remove();
  }
});

/** Peak resident memory of a process, from /proc (Linux), or 0 when unknown. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const LOG_MB = Number(process.env.NGINX_DOCTOR_HARDENING_LOG_MB ?? '2048');

test(`a ${LOG_MB} MB log streamed through "nginx-doctor explain" on stdin is read in bounded memory (under 512 MB RSS) within 600 s`, { timeout: 660_000 }, async () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  upstream app { server 127.0.0.1:8080; }\n  server { listen 80; server_name example.com; location /api/ { proxy_pass http://app; } }\n}\n' });
  try {
    const child = spawn(process.execPath, [CLI, 'explain', '--config', t.path('nginx.conf'), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines = [
      '2024/05/01 12:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: example.com, request: "GET /api/x HTTP/1.1", upstream: "http://127.0.0.1:8080/api/x", host: "example.com"\n',
      '10.0.0.1 - - [01/May/2024:12:00:00 +0000] "GET /api/y HTTP/1.1" 502 157 "-" "curl/8.0"\n',
      'garbage line that is neither \u001b[2J\n',
    ].join('');
    const chunk = Buffer.from(lines.repeat(Math.ceil((1 << 20) / lines.length)));
    const total = LOG_MB * 1024 * 1024;
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 250);
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!child.stdin.write(chunk)) await new Promise((res) => child.stdin.once('drain', res));
    }
    child.stdin.end();
    const code = await exited;
    clearInterval(timer);
    assert.equal(code, 0, err);
    assert.match(out, /upstream failure\(s\) in \d+ line\(s\)/);
    assert.ok(!out.includes('\u001b'), 'an escape sequence reached stdout');
    assert.ok(peak < 512, `peak RSS ${peak} MB`);
  } finally {
    t.remove();
  }
});
