// SELinux and AppArmor rows from host facts as the gather script reports them (this container
// has neither, so the real runs only ever see "skip").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFacts } from '../../server/src/doctor/facts';
import { parseSections } from '../../server/src/remote/records';
import type { DoctorContext } from '../../server/src/doctor/context';
import type { Backend } from '../../server/src/doctor/targets';
import { apparmor, selinux } from '../../server/src/doctor/checks/mac';

const N = 'cd'.repeat(16);

function ctxFrom(sections: Record<string, string>, backends: Partial<Backend>[] = []): DoctorContext {
  let text = `\n${N} HELLO 1\n`;
  for (const [name, body] of Object.entries(sections)) text += `\n${N} BEGIN ${name}\n${body}\n${N} END ${name} 0\n`;
  const facts = readFacts(parseSections(`${text}\n${N} BYE\n`, N));
  return {
    hostLabel: 'web1', remote: true, facts, config: null, model: null, configOrigin: null, serverRoot: null, localRoot: null,
    savedCopies: new Map(), backends: backends as Backend[], probes: { tcp: new Map(), stat: new Map(), logs: [], worker: null }, logLines: 1000,
  };
}

const procs = (label: string): string => `100\t1\t0\t${label}\tnginx: master process /usr/sbin/nginx\n101\t100\t33\t${label}\tnginx: worker process`;

test('SELinux: enforcing without httpd_can_network_connect fails when backends are on other ports', () => {
  const tcp8080 = [{ kind: 'tcp' as const, host: '10.0.0.5', port: 8080, flags: [] }];
  const off = ctxFrom({ selinux: 'Enforcing', 'selinux-bool': 'httpd_can_network_connect --> off' }, tcp8080);
  const r = selinux(off, false);
  assert.equal(r.status, 'fail');
  assert.match(r.advice, /setsebool -P httpd_can_network_connect 1/);
  assert.equal(selinux(ctxFrom({ selinux: 'Enforcing', 'selinux-bool': 'httpd_can_network_connect --> on' }, tcp8080), false).status, 'pass');
  assert.equal(selinux(ctxFrom({ selinux: 'Permissive', 'selinux-bool': 'httpd_can_network_connect --> off' }, tcp8080), false).status, 'pass');
  // only a local backend on an http_port_t port: SELinux allows it without the boolean
  assert.equal(selinux(ctxFrom({ selinux: 'Enforcing', 'selinux-bool': 'httpd_can_network_connect --> off' }, [{ kind: 'tcp', host: '127.0.0.1', port: 8443, flags: [] }]), false).status, 'pass');
  // ... unless the log shows EACCES
  assert.equal(selinux(ctxFrom({ selinux: 'Enforcing', 'selinux-bool': 'httpd_can_network_connect --> off' }, [{ kind: 'tcp', host: '127.0.0.1', port: 8443, flags: [] }]), true).status, 'fail');
  assert.equal(selinux(ctxFrom({}), false).status, 'skip');
});

test('AppArmor: the mode of the profile nginx runs under', () => {
  assert.equal(apparmor(ctxFrom({ apparmor: 'Y', procs: procs('unconfined') }), false).status, 'pass');
  const enforced = apparmor(ctxFrom({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (enforce)') }), false);
  assert.equal(enforced.status, 'warn');
  assert.match(enforced.found, /\/usr\/sbin\/nginx \(enforce\)/);
  assert.equal(apparmor(ctxFrom({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (enforce)') }), true).status, 'fail');
  assert.equal(apparmor(ctxFrom({ apparmor: 'Y', procs: procs('/usr/sbin/nginx (complain)') }), false).status, 'pass');
  assert.equal(apparmor(ctxFrom({ apparmor: 'Y' }), false).status, 'skip', 'nginx not running: profile unknown');
  assert.equal(apparmor(ctxFrom({ apparmor: 'N' }), false).status, 'pass');
  assert.equal(apparmor(ctxFrom({}), false).status, 'skip');
});
