import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendService, unitState } from '../../../server/src/doctor/checks/backend-service';
import { factsFor, rowsOf } from './facts';
import { hop } from './backend-hop';

const CONFIG = `events {}
http {
    upstream app_pool { server 10.0.0.5:8000; server 10.0.0.6:8000; }
    server { location / { proxy_pass http://app_pool; } location /b/ { proxy_pass http://10.0.0.9:9000; } }
}
`;

test('backend-service: one row per mapped failed backend, from systemctl is-active on its machine', () => {
  const f = factsFor({
    config: CONFIG,
    hops: new Map([
      ['10.0.0.5:8000', hop({ mapping: { key: 'app_pool', unit: 'gunicorn.service' }, sections: { 'active 1': { text: 'failed', rc: 3 } } })],
      ['10.0.0.9:9000', hop({ mapping: { key: '10.0.0.9:9000', unit: 'billing.service', host: 'ssh://deploy@10.0.0.9:2222' }, sections: { 'active 1': { text: 'active' } } })],
    ]),
  });
  const rows = rowsOf(backendService, f);
  assert.deepEqual(rows.map((r) => [r.title, r.status, r.found]), [
    ['backend 10.0.0.5:8000: service gunicorn.service on deploy@app1', 'fail', 'gunicorn.service is failed (it exited with an error or was killed)'],
    ['backend 10.0.0.9:9000: service billing.service on ssh://deploy@10.0.0.9:2222', 'pass', 'billing.service is active (running)'],
  ]);
  assert.match(rows[0]!.advice, /sudo systemctl start gunicorn\.service \(on deploy@app1\)/);
  assert.match(rows[1]!.advice, /a firewall/);
  assert.deepEqual(rows[0]!.location, { file: '/etc/nginx/nginx.conf', line: 3 });
});

test('backend-service: no systemctl, systemd not running, or no SSH: the row says so', () => {
  const rowFor = (h: ReturnType<typeof hop>) => rowsOf(backendService, factsFor({ config: CONFIG, hops: new Map([['10.0.0.5:8000', h]]) }))[0]!;
  const m = { key: 'app_pool', unit: 'gunicorn.service' };
  let r = rowFor(hop({ mapping: m, systemd: 'no no no' }));
  assert.equal(r.status, 'skip');
  assert.equal(r.found, 'systemctl is not installed on deploy@app1: cannot ask systemd about gunicorn.service');
  r = rowFor(hop({ mapping: m, systemd: 'yes no yes' }));
  assert.equal(r.status, 'skip');
  assert.match(r.found, /^systemd is not running on deploy@app1 \(no \/run\/systemd\/system/);
  r = rowFor(hop({ mapping: m, failure: { message: 'Permission denied (publickey).', fix: 'Add your key.' } }));
  assert.deepEqual([r.status, r.found, r.advice], ['warn', 'cannot run the checks on deploy@app1: Permission denied (publickey).', 'Add your key.']);
});

test('backend-service: unmapped or healthy backends get no row', () => {
  assert.deepEqual(rowsOf(backendService, factsFor({ config: CONFIG })), []);
});

test('unitState: every state systemctl is-active prints', () => {
  assert.deepEqual(['active', 'reloading', 'activating', 'inactive', 'failed', 'deactivating', 'maintenance', 'refreshing', 'weird'].map((s) => unitState(`${s}\n`).status),
    ['pass', 'warn', 'warn', 'fail', 'fail', 'fail', 'fail', 'warn', 'warn']);
});
