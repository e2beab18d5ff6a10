// SELinux from host facts as the gather script reports them (this container has none, so the
// real runs only ever see "skip").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selinux } from '../../../server/src/doctor/checks/mac';
import { factsFor, hostFromSections, rowOf } from './facts';
import { LINES, log } from './logs';

const enforcing = (bool: string) => hostFromSections({ selinux: 'Enforcing', 'selinux-bool': `httpd_can_network_connect --> ${bool}` });
const upstream = (addr: string) => `events {}\nhttp {\n    upstream app { server ${addr}; }\n    server { location / { proxy_pass http://app; } }\n}\n`;

test('selinux: enforcing without httpd_can_network_connect fails when backends are on other ports', () => {
  const off = rowOf(selinux, factsFor({ host: enforcing('off'), config: upstream('10.0.0.5:8080') }));
  assert.equal(off.status, 'fail');
  assert.match(off.advice, /setsebool -P httpd_can_network_connect 1/);
  assert.equal(rowOf(selinux, factsFor({ host: enforcing('on'), config: upstream('10.0.0.5:8080') })).status, 'pass');
  assert.equal(rowOf(selinux, factsFor({ host: hostFromSections({ selinux: 'Permissive', 'selinux-bool': 'httpd_can_network_connect --> off' }), config: upstream('10.0.0.5:8080') })).status, 'pass');
});

test('selinux: a local backend on an http_port_t port needs no boolean, unless the log shows EACCES', () => {
  assert.equal(rowOf(selinux, factsFor({ host: enforcing('off'), config: upstream('127.0.0.1:8443') })).status, 'pass');
  const denied = rowOf(selinux, factsFor({ host: enforcing('off'), config: upstream('127.0.0.1:8443'), logs: [log([LINES.denied('2026/11/22 09:59:00')])] }));
  assert.equal(denied.status, 'fail');
  assert.match(denied.found, /the error log shows "Permission denied"/);
  assert.equal(rowOf(selinux, factsFor({ host: hostFromSections({}) })).status, 'skip');
});
