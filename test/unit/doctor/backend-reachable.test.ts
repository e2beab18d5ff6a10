import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendReachable } from '../../../server/src/doctor/checks/backend-reachable';
import { factsFor, rowsOf } from './facts';

const CONFIG = `events {}
http {
    upstream app {
        server 127.0.0.1:3000;
        server 127.0.0.1:3001 backup;
        server 10.0.0.9:3000 down;
    }
    server {
        location / { proxy_pass http://app; }
        location /api/ { proxy_pass http://api.internal:8080; }
        location /php/ { fastcgi_pass unix:/run/php.sock; }
    }
}
`;

test('backend-reachable: one row per TCP backend, from the connect on the host', () => {
  const f = factsFor({
    config: CONFIG,
    probes: { tcp: new Map([['127.0.0.1|3000', { rc: 0, message: '' }], ['127.0.0.1|3001', { rc: 1, message: 'nd: line 1: connect: Connection refused' }], ['api.internal|8080', { rc: 1, message: 'nd: line 1: api.internal: Name or service not known' }]]) },
  });
  const rows = rowsOf(backendReachable, f);
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['backend 127.0.0.1:3000 (upstream app) accepts connections', 'pass'],
    ['backend 127.0.0.1:3001 (upstream app) accepts connections', 'warn'],
    ['backend 10.0.0.9:3000 (upstream app) accepts connections', 'skip'],
    ['backend api.internal:8080 (proxy_pass in nginx.conf) accepts connections', 'fail'],
  ]);
  assert.equal(rows[1]!.found, 'connection refused: nothing listens there (a backup server)');
  assert.deepEqual(rows[0]!.location, { file: '/etc/nginx/nginx.conf', line: 4 });
  assert.match(rows[3]!.found, /^host name does not resolve \(api.internal: Name or service not known\)/);
});

test('backend-reachable: timeouts and unprobed backends; without a config one skip row', () => {
  const f = factsFor({ config: CONFIG, probes: { tcp: new Map([['127.0.0.1|3000', { rc: 124, message: '' }]]) } });
  const rows = rowsOf(backendReachable, f);
  assert.equal(rows[0]!.status, 'fail');
  assert.match(rows[0]!.found, /no answer within 3 s/);
  assert.equal(rows[3]!.status, 'skip');
  assert.equal(rows[3]!.found, 'not probed');
  assert.deepEqual(rowsOf(backendReachable, factsFor()).map((r) => [r.id, r.status, r.title]), [['backend-reachable', 'skip', 'backends accept connections']]);
  assert.deepEqual(rowsOf(backendReachable, factsFor({ config: 'events {}\n' })), [], 'a config without backends: no row');
});
