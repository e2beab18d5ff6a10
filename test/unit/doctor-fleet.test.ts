// The fleet summary of `nginx-doctor doctor --ssh A --ssh B ...` from per-host reports: a backend
// that fails from one host and works from another is "some" (a path problem), one that fails from
// every host that probed it is "everywhere" and listed first; skipped probes count for neither;
// hosts whose checks could not run are "unreachable", not "same". (The same summary over real
// hosts: test/doctor/fleet.test.ts; one machine cannot make a backend reachable from one
// loopback "host" and not from another, so the "some" case is shown here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DoctorCheck, DoctorReport } from '../../server/src/protocol/protocol';
import { fleetReport, fleetSummary } from '../../server/src/cli/doctor-fleet';

const row = (id: string, title: string, status: DoctorCheck['status'], found = ''): DoctorCheck => ({ id, title, status, found, expected: '', advice: '', location: null });
const API = 'backend 10.0.0.5:8080 (upstream api) accepts connections';
const DB = 'backend 10.0.0.9:9000 (upstream admin) accepts connections';
const SOCK = 'unix socket /run/php/fpm.sock (fastcgi_pass) is there and open to nginx';

const reports: DoctorReport[] = [
  { host: 'web1', checks: [row('deployed-config', 'x', 'pass', '3 file(s) identical'), row('backend-reachable', API, 'pass', 'connected'), row('backend-reachable', DB, 'fail', 'connection refused'), row('unix-socket', SOCK, 'skip', 'not checked')] },
  { host: 'web2', checks: [row('deployed-config', 'x', 'pass', '3 file(s) identical'), row('backend-reachable', API, 'fail', 'no answer within 3 s (connect timed out)'), row('backend-reachable', DB, 'fail', 'connection refused'), row('unix-socket', SOCK, 'pass')] },
  { host: 'web3', checks: [row('connection', 'connect to web3 over SSH', 'fail', 'connection to web3 lost: Connection refused')] },
];

test('a backend failing from one host only is "some"; from every host that probed it "everywhere", listed first', () => {
  const s = fleetSummary(reports, true);
  assert.deepEqual(s.backends.map((b) => [b.backend, b.scope, b.failing.map((f) => f.host), b.ok]), [
    [DB, 'everywhere', ['web1', 'web2'], []],
    [API, 'some', ['web2'], ['web1']],
  ]);
  assert.deepEqual(s.config.map((c) => [c.host, c.state]), [['web1', 'same'], ['web2', 'same'], ['web3', 'unreachable']]);
});

test('without a workspace config nothing is compared; the rows say which backends fail from where', () => {
  const r = fleetReport(reports, false);
  assert.deepEqual(r.fleet.config.map((c) => c.state), ['unknown', 'unknown', 'unreachable']);
  assert.deepEqual(r.checks.map((c) => [c.id, c.status, c.found]), [
    ['fleet-config', 'fail', 'web3: connection to web3 lost: Connection refused'],
    ['fleet-backend', 'fail', 'fails from every host (web1, web2)'],
    ['fleet-backend', 'fail', 'fails from web2 only; works from web1'],
  ]);
  assert.equal(r.host, '3 hosts');
  assert.equal(r.hosts, reports);
});
