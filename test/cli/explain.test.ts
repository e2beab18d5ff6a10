// `nginx-doctor explain` as users and scripts run it: JSON fields, the grouped text report,
// stdin, garbage on stderr, exit codes, and a large log read as a stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';

const dir = join(FIXTURES, 'logs', 'cli');
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const FIELDS = ['logLine', 'time', 'level', 'cause', 'status', 'message', 'client', 'server', 'request', 'upstream', 'host', 'serverBlock', 'location', 'confidence', 'why', 'via', 'candidates', 'summary', 'fixes'];

test('json: one object per upstream failure with the documented fields', () => {
  const r = run(['explain', '--config', 'nginx.conf', '--format', 'json', 'error.log']);
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(rows.map((x) => [x.logLine, x.cause]), [
    [2, 'upstream-read-timeout'], [3, 'upstream-refused'], [5, 'upstream-socket-missing'], [6, 'fastcgi-stderr'], [8, 'upstream-read-timeout'],
  ]);
  for (const row of rows) assert.deepEqual(Object.keys(row), FIELDS);
  const a = rows[0]!;
  assert.deepEqual(
    { ...a, summary: undefined, fixes: undefined },
    {
      logLine: 2, time: '2026/11/22 10:00:02', level: 'error', cause: 'upstream-read-timeout', status: 504,
      message: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
      client: '203.0.113.5', server: 'shop.example.com', request: { method: 'GET', uri: '/api/orders?page=2', protocol: 'HTTP/1.1' },
      upstream: 'http://127.0.0.1:8081/api/orders?page=2', host: 'shop.example.com',
      serverBlock: { file: 'nginx.conf', line: 12 }, location: { file: 'nginx.conf', line: 22, modifier: '', pattern: '/api/' },
      confidence: 'exact', why: null, via: [], candidates: [], summary: undefined, fixes: undefined,
    },
  );
  assert.equal(a.fixes[0], 'proxy_read_timeout is 5s (nginx.conf:24)');
  assert.match(a.summary, /^504: backend too slow to answer for GET \/api\/orders\?page=2 in location \/api\/ \(nginx.conf:22\)/);
  // a try_files fallback: the matched location "/" has no *_pass, so only @app can have made the attempt
  assert.equal(rows[1]!.location.pattern, '@app');
  assert.equal(rows[1]!.confidence, 'exact');
  assert.equal(rows[1]!.why, null);
  assert.deepEqual(rows[1]!.candidates, []);
  // a FastCGI stderr message over two lines is one entry
  assert.match(rows[3]!.message, /line 3\nPHP message/);
  // garbage is reported on stderr, never fatal
  assert.match(r.err, /skipped 1 line\(s\) .*first at line 4: "this line is garbage"/);
});

test('--all reports every parsed line; access logs in the config\'s log_format link too', () => {
  const all = run(['explain', '--config', 'nginx.conf', '--format', 'json', '--all', 'error.log']);
  assert.equal(all.out.trim().split('\n').length, 7);
  const acc = run(['explain', '--config', 'nginx.conf', '--format', 'json', 'access.log']);
  const rows = acc.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(rows.map((x) => [x.logLine, x.status, x.location?.pattern]), [[1, 504, '/api/'], [2, 502, '@app']]);
});

test('stdin ("-" or no file), and the text report grouped by location with counts', () => {
  const log = readFileSync(join(dir, 'error.log'), 'utf8');
  const viaDash = run(['explain', '--config', 'nginx.conf', '-'], log);
  const viaNothing = run(['explain', '--config', 'nginx.conf'], log);
  assert.equal(viaDash.code, 0);
  assert.equal(viaDash.out, viaNothing.out);
  const text = viaDash.out;
  assert.match(text, /^5 upstream failure\(s\) in 9 line\(s\), 3 place\(s\) in the config\n/);
  assert.match(text, /\n2x location \/api\/ {2}\(nginx.conf:22, server shop.example.com\)\n +2 {2}upstream-read-timeout \(504\): backend too slow to answer {2}\[exact\]\n/);
  assert.match(text, /lines 2, 8\n/);
  assert.match(text, /- proxy_read_timeout is 5s \(nginx.conf:24\)/);
  assert.match(text, /\n2x location ~ \\\.php\$ {2}\(nginx.conf:26/);
  assert.match(text, /fastcgi-stderr \(-\)/);
  const none = run(['explain', '--config', 'nginx.conf', '-'], 'hello\n');
  assert.equal(none.code, 0);
  assert.equal(none.out, 'No upstream failure lines found in 1 line(s).\n');
});

test('usage and I/O errors exit 2 with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['explain', 'error.log'], /needs --config ROOT/],
    [['explain', '--config', 'nginx.conf', 'missing.log'], /cannot read "missing.log": no such file/],
    [['explain', '--config', 'nginx.conf', 'conf.d'], /cannot read "conf.d": it is a directory/],
    [['explain', '--config', 'missing.conf', 'error.log'], /cannot read "missing.conf"/],
    [['explain', '--config', 'nginx.conf', '--format', 'sarif', 'error.log'], /--format must be text or json/],
    [['explain', '--config', 'nginx.conf', 'a.log', 'b.log'], /one log file/],
    [['explain', '--config', 'nginx.conf', '--bogus'], /unknown option --bogus/],
  ];
  for (const [args, message] of cases) {
    const r = run(args, '');
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
});

// Bounded memory, not speed: the heap is capped at 96 MB, so a process that buffered the 100 MB
// would die. Its throughput is a bench row (npm run bench: "explain 100 MB from stdin"); the
// timeout is only a guard against a hang.
test('a large log streams through in bounded memory', { timeout: 900_000 }, async () => {
  // ~100 MB of error- and access-log lines written to stdin; the process must not buffer it whole
  const lines = readFileSync(join(dir, 'error.log'), 'utf8') + readFileSync(join(dir, 'access.log'), 'utf8');
  const block = Buffer.from(lines.repeat(400));
  const total = 100 * 1024 * 1024;
  const child = spawn(process.execPath, ['--max-old-space-size=96', CLI, 'explain', '--config', 'nginx.conf', '--format', 'json', '-'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let outLines = 0;
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) outLines++;
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let written = 0;
  while (written < total) {
    if (!child.stdin.write(block)) await new Promise((r) => child.stdin.once('drain', r));
    written += block.length;
  }
  child.stdin.end();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, err);
  const copies = Math.ceil(total / block.length) * 400;
  assert.equal(outLines, copies * 7, 'five error and two access failures per copy of the logs');
});
