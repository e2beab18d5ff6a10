// AppArmor from host facts as the gather script reports them (this container has none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apparmor } from '../../../server/src/doctor/checks/mac';
import { factsFor, hostFromSections, rowOf } from './facts';
import { LINES, log } from './logs';

const procs = (label: string): string => `100\t1\t0\t${label}\t/usr/sbin/nginx\tnginx: master process /usr/sbin/nginx\n101\t100\t33\t${label}\t/usr/sbin/nginx\tnginx: worker process`;
const status = (sections: Record<string, string>, denied = false): string =>
  rowOf(apparmor, factsFor({ host: hostFromSections(sections), config: 'events {}\n', logs: denied ? [log([LINES.denied('2026/11/22 09:59:00')])] : [] })).status;

test('apparmor: the mode of the profile nginx runs under', () => {
  assert.equal(status({ apparmor: 'Y', procs: procs('unconfined') }), 'pass');
  const enforced = rowOf(apparmor, factsFor({ host: hostFromSections({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (enforce)') }) }));
  assert.equal(enforced.status, 'warn');
  assert.match(enforced.found, /\/usr\/sbin\/nginx \(enforce\)/);
  assert.equal(status({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (complain)') }), 'pass');
});

test('apparmor: an enforcing profile fails with EACCES in the log; unknown without nginx or AppArmor', () => {
  assert.equal(status({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (enforce)') }, true), 'fail');
  assert.equal(status({ apparmor: 'Y' }), 'skip', 'nginx not running: profile unknown');
  assert.equal(status({ apparmor: 'N' }), 'pass');
  assert.equal(status({}), 'skip');
});
