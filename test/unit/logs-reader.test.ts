// The streaming reader: continuations (FastCGI stderr, Lua tracebacks), mixed error and access
// lines, garbage counting, lines cut at 2047 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogReader, compileLogFormat, type LogEntry } from '../../server/src/core/index';
import { FIXTURES } from '../helpers/repo';

const T = '2026/11/22 02:50:50';
const feed = (reader: LogReader, text: string): LogEntry[] => [...text.split('\n').flatMap((l) => reader.push(l)), ...reader.end()];

test('FastCGI stderr over several lines is one entry; its context comes from the last line', () => {
  const r = new LogReader();
  const out = feed(r, [
    `${T} [error] 5#5: *24 FastCGI sent in stderr: "PHP message: PHP Warning:  one in /x.php on line 3`,
    'PHP message: PHP Warning:  two in /x.php on line 4',
    `PHP message: PHP Fatal error:  three" while reading response header from upstream, client: 127.0.0.1, server: a.test, request: "GET /x.php HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "a.test"`,
    `${T} [error] 5#5: *25 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: a.test, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8080/", host: "a.test"`,
  ].join('\n'));
  assert.equal(out.length, 2);
  const e = out[0]!;
  assert.ok(e.kind === 'error');
  assert.equal(e.line, 1);
  assert.equal(e.lines, 3);
  assert.match(e.message, /^FastCGI sent in stderr: "PHP message: PHP Warning: {2}one[^]*\nPHP message: PHP Fatal error: {2}three"$/);
  assert.equal(e.context.upstream, 'fastcgi://127.0.0.1:9000');
  assert.equal(out[1]!.line, 4);
  assert.deepEqual([r.stats.errorEntries, r.stats.continuationLines, r.stats.garbage], [2, 2, 0]);
});

test('a stderr entry cut by nginx (no context) ends at the next timestamp; a Lua traceback continues too', () => {
  const r = new LogReader();
  const out = feed(r, [
    `${T} [error] 5#5: *1 FastCGI sent in stderr: "line one`,
    'line two, never closed',
    `${T} [error] 5#5: *2 lua entry thread aborted: runtime error: /etc/nginx/a.lua:3: boom`,
    `${T} [error] 5#5: *3 failed to run log_by_lua*: /etc/nginx/b.lua:1: bad stack traceback:`,
    '\t[C]: in function \'error\'',
    '\t/etc/nginx/b.lua:1: in main chunk, client: 1.2.3.4, server: a.test, request: "GET / HTTP/1.1", host: "a.test"',
  ].join('\n'));
  assert.equal(out.length, 3);
  assert.ok(out[0]!.kind === 'error' && out[0]!.lines === 2 && out[0]!.context.client === undefined);
  assert.ok(out[2]!.kind === 'error' && out[2]!.lines === 3 && out[2]!.context.server === 'a.test');
});

test('garbage lines are counted with samples, never fatal; blank lines are not garbage', () => {
  const r = new LogReader();
  const out = feed(r, ['garbage 1', '', `${T} [warn] 1#1: *1 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 1.2.3.4, server: a.test, request: "GET /big HTTP/1.1", upstream: "http://10.0.0.1:80/big", host: "a.test"`, '\u0000\u0001\u0002', 'more garbage'].join('\n'));
  assert.equal(out.length, 1);
  assert.equal(r.stats.garbage, 3);
  assert.deepEqual(r.stats.garbageSamples.map((s) => s.line), [1, 4, 5]);
  assert.equal(r.stats.lines, 5);
});

test('access-log lines (combined, and the config\'s own formats) mix with error-log lines', () => {
  const custom = compileLogFormat('timed', '$remote_addr $host "$request" $status $upstream_addr $request_time');
  const r = new LogReader({ formats: [custom] });
  const out = feed(r, [
    '10.0.0.1 - - [22/Nov/2026:02:50:50 +0000] "GET /api/x HTTP/1.1" 502 157 "-" "curl/8.1"',
    `${T} [error] 1#1: *1 no live upstreams while connecting to upstream, client: 10.0.0.1, server: a.test, request: "GET /api/x HTTP/1.1", upstream: "http://api/api/x", host: "a.test"`,
    '10.0.0.2 a.test "GET /api/y HTTP/1.1" 504 10.0.0.9:8080 60.001',
  ].join('\n'));
  assert.deepEqual(out.map((e) => e.kind), ['access', 'error', 'access']);
  const a = out[2]!;
  assert.ok(a.kind === 'access');
  assert.deepEqual([a.format, a.status, a.host, a.upstreamAddr, a.request], ['timed', 504, 'a.test', '10.0.0.9:8080', 'GET /api/y HTTP/1.1']);
});

test('CRLF line ends and the real 1.22 log (37 lines, one of them a 2-line FastCGI entry)', () => {
  const r = new LogReader();
  const out = feed(r, `${T} [error] 1#1: *1 no live upstreams while connecting to upstream, client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", upstream: "http://u/", host: "a"\r`);
  assert.ok(out[0]!.kind === 'error' && out[0]!.context.host === 'a');
  const real = new LogReader();
  const text = readFileSync(join(FIXTURES, 'logs', 'real', 'error.log'), 'utf8');
  const entries = feed(real, text.replace(/\n$/, ''));
  assert.equal(real.stats.garbage, 0);
  assert.equal(real.stats.continuationLines, 1);
  assert.equal(entries.length, text.trim().split('\n').length - 1);
  assert.ok(entries.every((e) => e.kind === 'error' && e.context.client !== undefined));
});

test('an error line of exactly 2047 bytes is marked truncated and closes immediately', () => {
  const r = new LogReader();
  const head = `${T} [error] 1#1: *1 FastCGI sent in stderr: "`;
  const line = head + 'x'.repeat(2047 - head.length);
  const out = feed(r, `${line}\nnot a continuation`);
  assert.equal(out.length, 1);
  assert.ok(out[0]!.kind === 'error' && out[0]!.truncated);
  assert.equal(r.stats.garbage, 1);
});
