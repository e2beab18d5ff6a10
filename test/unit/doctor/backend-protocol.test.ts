import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendProtocol, speaks } from '../../../server/src/doctor/checks/backend-protocol';
import { factsFor, rowsOf } from './facts';

const CONFIG = `events {}
http {
    upstream secure {
        server 10.0.0.5:8443;
    }
    server {
        location / { proxy_pass https://secure; }
        location /admin/ { proxy_pass https://127.0.0.1:3000; }
        location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }
        location /legacy/ { fastcgi_pass 127.0.0.1:8080; }
        location /plain/ { proxy_pass http://127.0.0.1:5000; }
    }
}
`;

const HTTP = '48 54 54 50 2f';
const TLS_ALERT = '15 03 01 00 02';

test('backend-protocol: what the port answered to a TLS record header, against what the config states', () => {
  const ok = { rc: 0, message: '' };
  const f = factsFor({
    config: CONFIG,
    probes: {
      tcp: new Map([['10.0.0.5|8443', ok], ['127.0.0.1|3000', ok], ['127.0.0.1|9000', ok], ['127.0.0.1|8080', ok], ['127.0.0.1|5000', ok]]),
      bytes: new Map([['10.0.0.5|8443', { rc: 0, hex: TLS_ALERT }], ['127.0.0.1|3000', { rc: 0, hex: HTTP }], ['127.0.0.1|9000', { rc: 0, hex: '' }], ['127.0.0.1|8080', { rc: 0, hex: HTTP }]]),
    },
  });
  const rows = rowsOf(backendProtocol, f);
  assert.deepEqual(rows.map((r) => [r.title, r.status]), [
    ['backend 10.0.0.5:8443 speaks TLS, as proxy_pass https://secure expects', 'pass'],
    ['backend 127.0.0.1:3000 speaks TLS, as proxy_pass https://127.0.0.1:3000 expects', 'fail'],
    ['backend 127.0.0.1:9000 speaks FastCGI, as fastcgi_pass 127.0.0.1:9000 expects', 'pass'],
    ['backend 127.0.0.1:8080 speaks FastCGI, as fastcgi_pass 127.0.0.1:8080 expects', 'fail'],
  ], 'http:// backends state nothing to check');
  assert.match(rows[1]!.found, /plain HTTP/);
  assert.match(rows[1]!.advice, /wrong version number/);
  assert.deepEqual(rows[1]!.location, { file: '/etc/nginx/nginx.conf', line: 8 });
  assert.match(rows[3]!.found, /HTTP, not FastCGI/);
  assert.match(rows[3]!.advice, /unsupported FastCGI protocol version: 72/);
});

test('backend-protocol: no row for a backend that did not accept the connect, a skip when not probed', () => {
  const f = factsFor({ config: CONFIG, probes: { tcp: new Map([['127.0.0.1|3000', { rc: 1, message: 'refused' }], ['127.0.0.1|9000', { rc: 0, message: '' }]]) } });
  const rows = rowsOf(backendProtocol, f);
  assert.deepEqual(rows.map((r) => [r.title.split(',')[0], r.status, r.found]), [['backend 127.0.0.1:9000 speaks FastCGI', 'skip', 'not probed']]);
  assert.deepEqual(rowsOf(backendProtocol, factsFor()), [], 'no config: no row');
});

test('backend-protocol: the first bytes read', () => {
  assert.equal(speaks(HTTP), 'http');
  assert.equal(speaks(TLS_ALERT), 'tls');
  assert.equal(speaks('16 03 03 00 7a'), 'tls');
  assert.equal(speaks(''), 'nothing');
  assert.equal(speaks('01 06 00 01'), 'other');
});
