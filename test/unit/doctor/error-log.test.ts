import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLog } from '../../../server/src/doctor/checks/error-log';
import { factsFor, rowsOf } from './facts';
import { LINES, LOG_CONFIG, log } from './logs';

test('error-log: recent upstream failures fail, counted by cause and place, with their lines', () => {
  // the host's clock says 10:00:00
  const [r] = rowsOf(errorLog, factsFor({ config: LOG_CONFIG, logs: [log([LINES.refused('2026/11/22 09:58:00'), LINES.refused('2026/11/22 09:59:00'), LINES.slow('2026/11/22 09:30:00'), '2026/11/22 09:59:30 [notice] 1#1: signal process started'])] }));
  assert.equal(r!.status, 'fail');
  assert.match(r!.found, /^3 upstream failure\(s\) in the last 4 entries, newest 1 min ago: 2x upstream-refused, 1x upstream-read-timeout\. Where: 2x location \/api\/ \(nginx\.conf\); 1x location \/slow\/ \(nginx\.conf\)$/);
  assert.deepEqual(r!.location, { file: '/etc/nginx/nginx.conf', line: 6 });
  assert.equal(r!.logLines?.length, 3);
});

test('error-log: old failures warn, a clean log passes, one row per log', () => {
  const rows = rowsOf(errorLog, factsFor({ config: LOG_CONFIG, logs: [log([LINES.refused('2026/11/22 08:00:00')]), log(['2026/11/22 09:59:30 [notice] 1#1: signal process started'], '/var/log/nginx/other.log')] }));
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['recent upstream failures in /var/log/nginx/error.log', 'warn'],
    ['recent upstream failures in /var/log/nginx/other.log', 'pass'],
  ]);
});

test('error-log: a missing or unreadable log is a warning that says what to do', () => {
  const rows = rowsOf(errorLog, factsFor({ config: LOG_CONFIG, logs: [{ path: '/a.log', state: 'missing', text: '' }, { path: '/b.log', state: 'denied', text: '' }] }));
  assert.deepEqual(rows.map((r) => r.status), ['warn', 'warn']);
  assert.match(rows[1]!.advice, /adm group/);
  assert.equal(rows[1]!.found, 'this user cannot read the log');
});

test('error-log: an empty log is skipped with why, never passed', () => {
  const [r] = rowsOf(errorLog, factsFor({ config: LOG_CONFIG, logs: [{ path: '/a.log', state: 'ok', text: '' }] }));
  assert.equal(r!.status, 'skip');
  assert.match(r!.found, /empty/);
});
