import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxRunning } from '../../../server/src/doctor/checks/nginx-process';
import { factsFor, nginxProcesses, rowOf } from './facts';

test('nginx-running: a master with its workers passes; none fails and says where to look', () => {
  const ok = rowOf(nginxRunning, factsFor({ host: { processes: nginxProcesses() } }));
  assert.equal(ok.status, 'pass');
  assert.equal(ok.found, 'master pid 100, 1 worker(s)');
  const down = rowOf(nginxRunning, factsFor({ host: { systemd: new Map([['LoadState', 'loaded'], ['ActiveState', 'failed'], ['SubState', 'failed'], ['Result', 'exit-code']]), systemdStatus: 'x\ny\nnginx.service: Failed with result exit-code.' } }));
  assert.equal(down.status, 'fail');
  assert.match(down.found, /no nginx master process; systemd: nginx.service failed \(failed, result exit-code\)/);
  assert.match(down.advice, /Last lines of systemctl status: x \| y \| nginx.service: Failed/);
});

test('nginx-running: two masters, a master without workers, nginx outside systemd', () => {
  const two = [...nginxProcesses(), { pid: 200, ppid: 1, uid: 0, label: '', exe: '/usr/sbin/nginx', cmdline: 'nginx: master process nginx -c /srv/other.conf', role: 'master' as const }];
  assert.equal(rowOf(nginxRunning, factsFor({ host: { processes: two } })).status, 'warn');
  // --nginx-conf picks the master started with that config
  const mine = rowOf(nginxRunning, { ...factsFor({ host: { processes: two } }), nginxConf: '/srv/other.conf' });
  assert.equal(mine.status, 'fail', 'that master has no workers');
  assert.match(mine.found, /^master pid 200, 0 worker/);
  const outside = rowOf(nginxRunning, factsFor({ host: { processes: nginxProcesses(), systemd: new Map([['LoadState', 'loaded'], ['ActiveState', 'inactive'], ['SubState', 'dead']]) } }));
  assert.equal(outside.status, 'warn');
  assert.match(outside.advice, /outside systemd/);
});
