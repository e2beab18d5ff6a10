import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locationSettings } from '../../../server/src/doctor/checks/error-log';
import { factsFor, rowsOf } from './facts';
import { LINES, LOG_CONFIG, log } from './logs';

test('location-settings: the timeout behind a timeout, with the line that sets it', () => {
  const rows = rowsOf(locationSettings, factsFor({ config: LOG_CONFIG, logs: [log([LINES.slow('2026/11/22 09:59:00'), LINES.refused('2026/11/22 09:59:10')])] }));
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['timeouts and buffers of location /slow/ (nginx.conf)', 'warn'],
    ['timeouts and buffers of location /api/ (nginx.conf)', 'pass'],
  ]);
  assert.match(rows[0]!.found, /proxy_read_timeout 5s/);
  assert.match(rows[0]!.found, /proxy_connect_timeout 60s \(default\)/);
  assert.deepEqual(rows[0]!.location, { file: '/etc/nginx/nginx.conf', line: 11 });
  assert.match(rows[1]!.advice, /do not depend on timeouts/);
});

test('location-settings: no rows without failures in a location', () => {
  assert.deepEqual(rowsOf(locationSettings, factsFor({ config: LOG_CONFIG, logs: [log(['2026/11/22 09:59:30 [notice] 1#1: signal process started'])] })), []);
});
