import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxPorts } from '../../../server/src/doctor/checks/listening-ports';
import { factsFor, nginxProcesses, rowOf } from './facts';

const CONFIG = 'events {}\nhttp {\n    server { listen 80; }\n    server { listen 127.0.0.1:8443 ssl; }\n}\n';

test('nginx-ports: every listen address of the config is bound while nginx runs', () => {
  const ok = rowOf(nginxPorts, factsFor({ config: CONFIG, host: { processes: nginxProcesses(), listeners: [{ addr: '0.0.0.0', port: 80 }, { addr: '127.0.0.1', port: 8443 }] } }));
  assert.equal(ok.status, 'pass');
  const missing = rowOf(nginxPorts, factsFor({ config: CONFIG, host: { processes: nginxProcesses(), listeners: [{ addr: '0.0.0.0', port: 80 }] } }));
  assert.equal(missing.status, 'warn');
  assert.equal(missing.found, 'not listening: 127.0.0.1:8443');
  assert.deepEqual(missing.location, { file: '/etc/nginx/nginx.conf', line: 4 });
});

test('nginx-ports: skipped without a config, a running nginx or /proc/net/tcp', () => {
  assert.match(rowOf(nginxPorts, factsFor()).found, /no config/);
  assert.match(rowOf(nginxPorts, factsFor({ config: CONFIG, host: { listeners: [{ addr: '0.0.0.0', port: 80 }] } })).found, /not running/);
  assert.match(rowOf(nginxPorts, factsFor({ config: CONFIG, host: { processes: nginxProcesses() } })).found, /cannot read/);
});
