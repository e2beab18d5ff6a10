// "Check Server for 502 Causes" on several hosts: the arguments the extension gives the CLI (each
// host with its own sudo through --sources; no --error-log, which would apply to every host), and
// the fleet report read back for the panel: the summary rows first, then every host's rows with
// the host before their title (the panel shows one list; links still index into it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doctorArgs, parseReport } from '../../client/src/doctor/run';

test('several hosts: --sources with each host\'s sudo, no --ssh, no --error-log', () => {
  const args = doctorArgs({
    cli: 'cli.js', config: '/ws/nginx.conf', saveConfigDir: '/s',
    target: { key: 'fleet:a,b', label: '2 hosts', sudo: false, errorLogs: ['/var/log/nginx/error.log'], fleet: [{ host: 'web1', sudo: true }, { host: 'deploy@web2', sudo: false }] },
  });
  assert.deepEqual(args, ['cli.js', 'doctor', '--format', 'json', '--config', '/ws/nginx.conf', '--sources', JSON.stringify([{ name: 'web1', host: 'web1', sudo: true }, { name: 'deploy@web2', host: 'deploy@web2', sudo: false }])]);
});

test('a fleet report: summary rows, then each host\'s rows tagged with the host', () => {
  const row = (id: string, title: string, status: string): object => ({ id, title, status, found: 'f', expected: 'e', advice: '', location: null });
  const r = parseReport(JSON.stringify({
    host: '2 hosts',
    checks: [row('fleet-backend', 'backend 10.0.0.5:8080 (upstream api) accepts connections', 'fail')],
    hosts: [
      { host: 'web1', checks: [row('backend-reachable', 'backend 10.0.0.5:8080 (upstream api) accepts connections', 'pass')] },
      { host: 'web2', checks: [row('backend-reachable', 'backend 10.0.0.5:8080 (upstream api) accepts connections', 'fail'), row('nginx-running', 'nginx is running', 'pass')] },
      { host: 7, checks: [] },
    ],
    fleet: { config: [], backends: [] },
  }));
  assert.ok(r);
  assert.equal(r.host, '2 hosts');
  assert.deepEqual(r.checks.map((c) => [c.id, c.status, c.title]), [
    ['fleet-backend', 'fail', 'backend 10.0.0.5:8080 (upstream api) accepts connections'],
    ['backend-reachable', 'pass', '[web1] backend 10.0.0.5:8080 (upstream api) accepts connections'],
    ['backend-reachable', 'fail', '[web2] backend 10.0.0.5:8080 (upstream api) accepts connections'],
    ['nginx-running', 'pass', '[web2] nginx is running'],
  ]);
});
