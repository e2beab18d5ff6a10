import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendPorts } from '../../../server/src/doctor/checks/listening-ports';
import { factsFor, rowOf } from './facts';

const CONFIG = 'events {}\nhttp {\n    upstream app { server 127.0.0.1:3000; server 127.0.0.1:3001; server 10.9.9.9:80; }\n    server { location / { proxy_pass http://app; } }\n}\n';

test('backend-ports: local backends against the listening sockets of the host', () => {
  const all = rowOf(backendPorts, factsFor({ config: CONFIG, host: { listeners: [{ addr: '127.0.0.1', port: 3000 }, { addr: '0.0.0.0', port: 3001 }] } }));
  assert.equal(all.status, 'pass');
  assert.equal(all.found, 'all 2 local backend port(s) listen');
  const one = rowOf(backendPorts, factsFor({ config: CONFIG, host: { listeners: [{ addr: '127.0.0.1', port: 3000 }, { addr: '0.0.0.0', port: 8080 }] } }));
  assert.equal(one.status, 'fail');
  // only the ports the config names: 8080 listens, but no backend of the config is there
  assert.equal(one.found, 'nothing listens on 127.0.0.1:3001 (listening: 127.0.0.1:3000)');
  assert.deepEqual(one.location, { file: '/etc/nginx/nginx.conf', line: 3 });
});

test('backend-ports: skipped without /proc/net/tcp or local backends', () => {
  assert.match(rowOf(backendPorts, factsFor({ config: CONFIG })).found, /cannot read \/proc\/net\/tcp/);
  assert.match(rowOf(backendPorts, factsFor({ config: 'events {}\n', host: { listeners: [{ addr: '0.0.0.0', port: 80 }] } })).found, /names no TCP backend on this host/);
});
