import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locationSettings } from '../../../server/src/doctor/checks/location-settings';
import { factsFor, rowsOf } from './facts';
import { LINES, LOG_CONFIG, log } from './logs';

test('location-settings: every failing location, grouped by cause (most failures first), with the settings of its cause and their lines', () => {
  const rows = rowsOf(locationSettings, factsFor({
    config: LOG_CONFIG,
    logs: [log([LINES.slow('2026/11/22 09:59:00'), LINES.refused('2026/11/22 09:59:10'), LINES.refused('2026/11/22 09:59:20'), LINES.denied('2026/11/22 09:59:30')])],
  }));
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['2x upstream-refused at location /api/ (nginx.conf:6)', 'pass'],
    ['1x upstream-permission-denied at location /api/ (nginx.conf:6)', 'pass'],
    ['1x upstream-read-timeout at location /slow/ (nginx.conf:9)', 'warn'],
  ]);
  const slow = rows[2]!;
  // timeouts for a timeout: the one set in the location with its line, the others nginx's defaults
  assert.match(slow.found, /proxy_read_timeout 5s \(nginx\.conf:11, location\)/);
  assert.match(slow.found, /proxy_connect_timeout 60s \(default\)/);
  assert.doesNotMatch(slow.found, /proxy_buffer_size/);
  assert.deepEqual(slow.location, { file: '/etc/nginx/nginx.conf', line: 11 });
  assert.equal(slow.cause, 'upstream-read-timeout');
  assert.equal(slow.failures, 1);
  assert.deepEqual(slow.settings!.find((s) => s.name === 'proxy_read_timeout'), { name: 'proxy_read_timeout', value: '5s', file: '/etc/nginx/nginx.conf', line: 11, level: 'location', default: false });
  // a refused connection: the retry settings, not the timeouts
  assert.match(rows[0]!.found, /^proxy_pass http:\/\/127\.0\.0\.1:3000 \(nginx\.conf:7, location\); /, 'where the requests went, first');
  assert.match(rows[0]!.found, /proxy_next_upstream error timeout \(default\)/);
  assert.doesNotMatch(rows[0]!.found, /read_timeout/);
  assert.match(rows[0]!.advice, /not a matter of these settings/);
});

test('location-settings: a header too big shows the buffers; a reset shows keepalive and the HTTP version', () => {
  const cfg = LOG_CONFIG.replace('proxy_read_timeout 5s;', 'proxy_read_timeout 5s;\n            proxy_buffer_size 2k;');
  const big = `2026/11/22 09:59:00 [error] 101#101: *3 upstream sent too big header while reading response header from upstream, client: 10.0.0.7, server: example.com, request: "GET /slow/a HTTP/1.1", upstream: "http://127.0.0.1:3001/slow/a", host: "example.com"`;
  const reset = `2026/11/22 09:59:01 [error] 101#101: *4 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.7, server: example.com, request: "GET /api/b HTTP/1.1", upstream: "http://127.0.0.1:3000/api/b", host: "example.com"`;
  const rows = rowsOf(locationSettings, factsFor({ config: cfg, logs: [log([big, reset])] }));
  const b = rows.find((r) => r.cause === 'upstream-header-too-big')!;
  assert.equal(b.status, 'warn');
  assert.match(b.found, /proxy_buffer_size 2k \(nginx\.conf:12, location\)/);
  assert.match(b.advice, /Raise proxy_buffer_size \(now 2k/);
  assert.deepEqual(b.location, { file: '/etc/nginx/nginx.conf', line: 12 });
  const r = rows.find((x) => x.cause === 'upstream-reset')!;
  assert.match(r.found, /proxy_http_version 1\.0 \(default\)/);
  assert.match(r.found, /keepalive off \(default\)/);
});

test('location-settings: no rows without failures in a location', () => {
  assert.deepEqual(rowsOf(locationSettings, factsFor({ config: LOG_CONFIG, logs: [log(['2026/11/22 09:59:30 [notice] 1#1: signal process started'])] })), []);
});
