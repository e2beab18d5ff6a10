import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxInstalled } from '../../../server/src/doctor/checks/nginx-process';
import { factsFor, rowOf } from './facts';

test('nginx-installed: the version and path when nginx -V answers', () => {
  const r = rowOf(nginxInstalled, factsFor());
  assert.equal(r.status, 'pass');
  assert.equal(r.found, 'nginx 1.24.0 at /usr/sbin/nginx');
});

test('nginx-installed: no binary, a missing --nginx path, a file that does not run, no version', () => {
  const none = rowOf(nginxInstalled, factsFor({ host: { nginxPath: '', nginxV: null, version: null } }));
  assert.equal(none.status, 'fail');
  assert.match(none.found, /^no nginx program on this machine \(searched PATH/);
  assert.match(none.advice, /apt install nginx/);
  const given = rowOf(nginxInstalled, factsFor({ host: { nginxPath: '/opt/nginx/sbin/nginx', nginxExists: false, nginxV: null, version: null } }));
  assert.equal(given.status, 'fail');
  assert.equal(given.found, 'no nginx at /opt/nginx/sbin/nginx on this machine');
  assert.equal(rowOf(nginxInstalled, factsFor({ host: { nginxV: null, version: null } })).status, 'fail');
  const odd = rowOf(nginxInstalled, factsFor({ host: { nginxV: 'openresty says hi', version: null } }));
  assert.equal(odd.status, 'warn');
  assert.match(odd.found, /printed no version: openresty says hi/);
});
