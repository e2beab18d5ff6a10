import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configTest } from '../../../server/src/doctor/checks/config-test';
import { factsFor, rowOf, ROOT } from './facts';

test('nginx-config-test: a successful test passes; an error fails, linked to the line it names', () => {
  assert.equal(rowOf(configTest, factsFor({ config: 'events {}\n' })).status, 'pass');
  const bad = rowOf(configTest, factsFor({ config: 'events {}\n', host: { test: { rc: 1, text: `nginx: [emerg] unknown directive "locaton" in ${ROOT}:4\nnginx: configuration file ${ROOT} test failed\n` } } }));
  assert.equal(bad.status, 'fail');
  assert.equal(bad.found, `[emerg] unknown directive "locaton" in ${ROOT}:4`);
  assert.deepEqual(bad.location, { file: ROOT, line: 4 });
});

test('nginx-config-test: warnings, a hang, permissions of a non-root run, no nginx', () => {
  const warned = rowOf(configTest, factsFor({ host: { test: { rc: 0, text: `nginx: [warn] conflicting server name "a" on 0.0.0.0:80, ignored\nnginx: configuration file ${ROOT} test is successful\n` } } }));
  assert.equal(warned.status, 'warn');
  assert.match(warned.found, /with 1 warning\(s\): conflicting server name/);
  assert.equal(rowOf(configTest, factsFor({ host: { test: { rc: 124, text: '' } } })).status, 'warn');
  const denied = rowOf(configTest, factsFor({ host: { uid: 1000, test: { rc: 1, text: 'nginx: [emerg] open() "/run/nginx.pid" failed (13: Permission denied)\n' } } }));
  assert.equal(denied.status, 'warn');
  assert.match(denied.advice, /--sudo/);
  assert.equal(rowOf(configTest, factsFor({ host: { nginxV: null } })).status, 'skip');
  assert.equal(rowOf(configTest, factsFor({ host: { test: null } })).status, 'skip');
});
