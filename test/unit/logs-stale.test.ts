// upstream-stale-address: a line's peer against what the config's host names resolve to now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Explainer, Matcher, buildConfigSet, candidateNames, defaultCatalog, markStale, namesToResolve, parseErrorText, peerAddress, staleAddress, type Resolve } from '../../server/src/core/index';
import { parseGetent } from '../../server/src/remote/resolve-names';
import { memoryHost } from '../helpers/memory-host';

const CONF = `events {}
http {
    upstream shop { server shop:8000; server 10.0.0.9:8000; }
    server {
        listen 80;
        location /api/ { proxy_pass http://api:5001/v1/; }
        location /shop/ { proxy_pass http://shop; }
        location /other/ { proxy_pass http://other:5001; }
    }
}
`;
const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': CONF }), catalog: defaultCatalog() });
const explainer = new Explainer(new Matcher(set));
const model = explainer.matcher.model;
const explain = (peer: string, uri: string, errno = '111: Connection refused') =>
  explainer.explain(parseErrorText(`2026/11/22 09:59:00 [error] 7#7: *1 connect() failed (${errno}) while connecting to upstream, client: 127.0.0.1, server: , request: "GET ${uri} HTTP/1.1", upstream: "http://${peer}${uri}", host: "localhost"`)!);
const dns = (m: Record<string, string[]>): Resolve => (n) => m[n] ?? null;

test('peerAddress: IPv4 and IPv6 peers; sockets and group names are none', () => {
  assert.deepEqual(peerAddress('http://172.19.0.4:5001/v1/x'), { addr: '172.19.0.4', port: 5001 });
  assert.deepEqual(peerAddress('http://[FD00::4]:5001/'), { addr: 'fd00::4', port: 5001 });
  assert.equal(peerAddress('http://unix:/run/a.sock:/x'), null);
  assert.equal(peerAddress('http://shop/x'), null);
  assert.equal(peerAddress(null), null);
});

test('a peer the name no longer resolves to is upstream-stale-address, with the sentence first', () => {
  const x = explain('172.19.0.4:5001', '/api/a');
  assert.equal(x.cause.id, 'upstream-refused');
  assert.deepEqual(candidateNames(x, model).map((s) => s.host), ['api'], 'the location\'s target, not "other" with the same port');
  assert.deepEqual(namesToResolve([x], model), ['api']);
  const s = staleAddress(x, model, dns({ api: ['172.19.0.3'], other: ['172.19.0.4'] }));
  assert.deepEqual(s && { name: s.name, used: s.used, port: s.port, now: s.now }, { name: 'api', used: '172.19.0.4', port: 5001, now: ['172.19.0.3'] });
  markStale(x, s!);
  markStale(x, s!);
  assert.equal(x.cause.id, 'upstream-stale-address');
  assert.equal(x.summary, '502: nginx still uses 172.19.0.4 for api, which now resolves to 172.19.0.3: reload nginx (`nginx -s reload`), and see static-hostname-upstream to stop it happening again');
  assert.equal(x.fixes[0], 'nginx still uses 172.19.0.4 for api, which now resolves to 172.19.0.3: reload nginx (`nginx -s reload`), and see static-hostname-upstream to stop it happening again');
  assert.equal(x.reasons.filter((r) => r.startsWith('nginx logged')).length, 1, 'marking twice adds nothing');
});

test('not stale: the peer is among the addresses, the name did not resolve, an IP server of the group was used', () => {
  assert.equal(staleAddress(explain('172.19.0.3:5001', '/api/a'), model, dns({ api: ['172.19.0.9', '172.19.0.3'] })), null);
  assert.equal(staleAddress(explain('172.19.0.4:5001', '/api/a'), model, dns({})), null);
  assert.equal(staleAddress(explain('10.0.0.9:8000', '/shop/x'), model, dns({ shop: ['172.19.0.8'] })), null);
  const viaGroup = staleAddress(explain('172.19.0.7:8000', '/shop/x'), model, dns({ shop: ['172.19.0.8'] }));
  assert.equal(viaGroup?.name, 'shop', 'a server of the upstream group the location passes to');
});

test('parseGetent: each address once, in order', () => {
  assert.deepEqual(parseGetent('127.0.0.3       STREAM api\n127.0.0.3       DGRAM  \n127.0.0.3       RAW    \nfd00::3 STREAM api\n'), ['127.0.0.3', 'fd00::3']);
  assert.deepEqual(parseGetent(''), []);
});
