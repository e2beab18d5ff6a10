import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestThroughNginx } from '../../../server/src/doctor/checks/request-through-nginx';
import { readRequestRecord, requestTargets } from '../../../server/src/doctor/requests';
import { compareReports } from '../../../server/src/doctor/compare';
import type { DoctorCheck } from '../../../server/src/protocol/protocol';
import { factsFor, rowsOf } from './facts';
import { LINES, LOG_CONFIG, log } from './logs';

test('request-through-nginx: one GET per failing location, from its newest line; 502 fails, 200 passes, no answer warns', () => {
  const f = factsFor({ config: LOG_CONFIG, logs: [log([LINES.refused('2026/11/22 09:58:00'), LINES.refused('2026/11/22 09:59:00').replace('/api/orders', '/api/newest'), LINES.slow('2026/11/22 09:59:10')])] });
  const targets = requestTargets(f.logs);
  assert.deepEqual(targets.map((t) => [t.label, t.scheme, t.addr, t.port, t.host, t.target]), [
    ['location /slow/', 'http', '127.0.0.1', 80, 'example.com', '/slow/report'],
    ['location /api/', 'http', '127.0.0.1', 80, 'example.com', '/api/newest'],
  ]);
  const rows = rowsOf(requestThroughNginx, { ...f, requests: [
    { target: targets[0]!, result: readRequestRecord('0 504 1.002 1.003') },
    { target: targets[1]!, result: readRequestRecord('0 200 0.004 0.005') },
  ] });
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['GET http://example.com:80/slow/report through nginx (location /slow/)', 'fail'],
    ['GET http://example.com:80/api/newest through nginx (location /api/)', 'pass'],
  ]);
  assert.equal(rows[0]!.found, '504 after 1.002 s to the first byte (1.003 s in all); sent to 127.0.0.1:80 from the host');
  assert.deepEqual(rows[0]!.location, { file: '/etc/nginx/nginx.conf', line: 9 });
  const none = rowsOf(requestThroughNginx, { ...f, requests: [{ target: targets[0]!, result: readRequestRecord('7 000 0.000 0.000 curl: (7) Failed to connect') }] });
  assert.equal(none[0]!.status, 'warn');
  assert.match(none[0]!.found, /no answer: curl: \(7\) Failed to connect/);
});

test('request-through-nginx: a request target or host that is not plain printable text is never sent', () => {
  const bad = LINES.refused('2026/11/22 09:59:00').replace('GET /api/orders HTTP/1.1', 'GET /api/a\'b;$(x) HTTP/1.1').replace('host: "example.com"', 'host: "ex ample"');
  const f = factsFor({ config: LOG_CONFIG, logs: [log([bad])] });
  assert.deepEqual(requestTargets(f.logs), []);
});

test('compare: rows that failed and pass now, rows still failing, new ones; a failing location with no failures since is fixed', () => {
  const r = (id: string, title: string, status: DoctorCheck['status']): DoctorCheck => ({ id, title, status, found: '', expected: '', advice: '', location: null });
  const prev = { host: 'h', date: '2026/11/22 10:00:00', checks: [r('backend-reachable', 'b1', 'fail'), r('location-settings', '3x upstream-refused at location /a/ (nginx.conf:6)', 'pass'), r('location-settings', '1x upstream-reset at location /b/ (nginx.conf:9)', 'pass'), r('x', 'y', 'pass')] };
  const cur = { host: 'h', checks: [r('backend-reachable', 'b1', 'pass'), r('x', 'y', 'fail'), r('request-through-nginx', 'GET http://h:80/b through nginx (location /b/)', 'fail')] };
  const c = compareReports(prev, cur, 'before.json');
  assert.deepEqual(c.compare.fixed, ['b1', 'upstream-refused at location /a/ (nginx.conf:6) (no failures since the previous run)']);
  assert.deepEqual(c.compare.stillFailing, ['upstream-reset at location /b/ (nginx.conf:9) (no failures logged since the previous run, but the request through nginx still fails)']);
  assert.deepEqual(c.compare.newFailures, ['y', 'GET http://h:80/b through nginx (location /b/)']);
  assert.deepEqual(c.checks.map((x) => x.previous), ['fail', 'pass', null]);
  assert.equal(c.compare.previousDate, '2026/11/22 10:00:00');
});
