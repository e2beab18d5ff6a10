import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendListening } from '../../../server/src/doctor/checks/backend-listening';
import { readSsListeners } from '../../../server/src/doctor/backend-script';
import { factsFor, rowsOf } from './facts';
import { hop, SS_LTN } from './backend-hop';

const config = (target: string): string => `events {}\nhttp {\n    server { location / { proxy_pass http://${target}; } }\n}\n`;

function rowFor(target: string, key: string, o: Partial<Parameters<typeof hop>[0]> = {}) {
  const rows = rowsOf(backendListening, factsFor({ config: config(target), hops: new Map([[key, hop({ mapping: { key, unit: 'app.service' }, ...o })]]) }));
  assert.equal(rows.length, 1);
  return rows[0]!;
}

test('readSsListeners: real `ss -ltn` output, with dual-stack "*" and [::1]', () => {
  assert.deepEqual(readSsListeners(SS_LTN), [
    { addr: '127.0.0.1', port: 25353 }, { addr: '127.0.0.1', port: 41003 }, { addr: '0.0.0.0', port: 2024 },
    { addr: '::', port: 41004 }, { addr: '::', port: 41002 }, { addr: '::1', port: 41001 },
  ]);
  assert.deepEqual(readSsListeners('LISTEN 0 511 127.0.0.53%lo:53 0.0.0.0:*\n'), null, 'no header: not ss output');
  assert.deepEqual(readSsListeners('State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:*\nLISTEN 0 4096 [::ffff:10.0.0.5]:80 *:*\n'),
    [{ addr: '127.0.0.53', port: 53 }, { addr: '10.0.0.5', port: 80 }]);
});

test('backend-listening: nothing on the port; only on loopback of another machine; another address; listening', () => {
  let r = rowFor('10.0.0.5:8000', '10.0.0.5:8000');
  assert.equal(r.status, 'fail');
  assert.equal(r.found, 'nothing listens on port 8000 (ss -ltn); listening: 2024, 25353, 41001, 41002, 41003, 41004');
  assert.equal(r.title, 'backend 10.0.0.5:8000: port 8000 listens on deploy@app1');
  r = rowFor('10.0.0.5:41003', '10.0.0.5:41003');
  assert.equal(r.status, 'fail');
  assert.equal(r.found, 'port 41003 listens only on 127.0.0.1:41003 (ss -ltn): other machines cannot connect');
  r = rowFor('127.0.0.2:41003', '127.0.0.2:41003', { sameHost: true });
  assert.equal(r.status, 'fail');
  assert.equal(r.found, 'port 41003 listens on 127.0.0.1:41003 (ss -ltn), not on 127.0.0.2');
  r = rowFor('10.0.0.5:41004', '10.0.0.5:41004');
  assert.deepEqual([r.status, r.found], ['pass', 'listening on [::]:41004 (ss -ltn)']);
  r = rowFor('127.0.0.1:41001', '127.0.0.1:41001', { sameHost: true });
  assert.equal(r.status, 'fail', '[::1] is not 127.0.0.1');
});

test('backend-listening: /proc/net/tcp when ss is missing; unix backends and SSH failures give no row', () => {
  const proc = '  sl  local_address rem_address   st\n   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n';
  const rows = rowsOf(backendListening, factsFor({ config: config('127.0.0.1:8000'), hops: new Map([['127.0.0.1:8000', hop({ mapping: { key: '127.0.0.1:8000', unit: 'a.service' }, sameHost: true, sections: { ss: { text: 'sh: ss: not found', rc: 127 }, 'net-tcp': { text: proc } } })]]) }));
  assert.deepEqual(rows.map((r) => [r.status, r.found]), [['pass', 'listening on 127.0.0.1:8000 (/proc/net/tcp)']]);
  const unix = `events {}\nhttp { server { location / { proxy_pass http://unix:/run/a.sock; } } }\n`;
  assert.deepEqual(rowsOf(backendListening, factsFor({ config: unix, hops: new Map([['unix:/run/a.sock', hop({ mapping: { key: 'unix:/run/a.sock', unit: 'a.service' } })]]) })), []);
  assert.deepEqual(rowsOf(backendListening, factsFor({ config: config('10.0.0.5:8000'), hops: new Map([['10.0.0.5:8000', hop({ mapping: { key: 'x', unit: 'a.service' }, failure: { message: 'no route' } })]]) })), []);
});
