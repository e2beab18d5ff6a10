// The cause catalogue: every id is reached by a real-looking line, with the right status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSES, CAUSE_IDS, classify, parseErrorText, type CauseId } from '../../server/src/core/index';
import { causeTable, tableInDoc } from '../helpers/cause-docs';

const T = '2026/11/22 02:50:50 ';
const CTX = ', client: 10.0.0.1, server: shop.test, request: "GET /api/orders HTTP/1.1", upstream: "http://10.0.0.5:8080/api/orders", host: "shop.test"';
const UNIX = ', client: 10.0.0.1, server: shop.test, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.test"';
const FCGI = ', client: 10.0.0.1, server: shop.test, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "shop.test"';
const GRPC = ', client: 10.0.0.1, server: shop.test, request: "POST /pkg.Svc/Call HTTP/2.0", upstream: "grpc://10.0.0.5:50051", host: "shop.test"';

// [cause id, status, line]
const CASES: [CauseId, number | null, string][] = [
  ['upstream-refused', 502, `[error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream${CTX}`],
  ['upstream-refused', 502, `[error] 7#7: *1 connect() to 10.0.0.5:8080 failed (111: Connection refused) while connecting to upstream${CTX}`],
  ['upstream-socket-missing', 502, `[crit] 7#7: *1 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream${UNIX}`],
  ['upstream-permission-denied', 502, `[crit] 7#7: *1 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream${UNIX}`],
  ['upstream-permission-denied', 502, `[crit] 7#7: *1 connect() to 10.0.0.5:8080 failed (13: Permission denied) while connecting to upstream${CTX}`],
  ['upstream-unreachable', 502, `[error] 7#7: *1 connect() failed (113: No route to host) while connecting to upstream${CTX}`],
  ['upstream-unreachable', 502, `[error] 7#7: *1 connect() to 10.0.0.5:8080 failed (101: Network is unreachable) while connecting to upstream${CTX}`],
  ['upstream-address-exhausted', 502, `[crit] 7#7: *1 connect() to 10.0.0.5:8080 failed (99: Cannot assign requested address) while connecting to upstream${CTX}`],
  ['upstream-address-exhausted', 500, `[crit] 7#7: *1 bind(192.0.2.9) failed (99: Cannot assign requested address) while connecting to upstream${CTX}`],
  ['upstream-backlog-full', 502, `[error] 7#7: *1 connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream${UNIX}`],
  ['upstream-kernel-connect-timeout', 502, `[error] 7#7: *1 connect() failed (110: Connection timed out) while connecting to upstream${CTX}`],
  ['no-live-upstreams', 502, `[error] 7#7: *1 no live upstreams while connecting to upstream, client: 10.0.0.1, server: shop.test, request: "GET /api/orders HTTP/1.1", upstream: "http://api_pool/api/orders", host: "shop.test"`],
  ['upstream-unresolved', 502, '[error] 7#7: *1 orders.svc.cluster.local could not be resolved (3: Host not found), client: 10.0.0.1, server: shop.test, request: "GET /api/orders HTTP/1.1", host: "shop.test"'],
  ['upstream-unresolved', 502, '[error] 7#7: *1 orders.svc could not be resolved (110: Operation timed out), client: 10.0.0.1, server: shop.test, request: "GET / HTTP/1.1", host: "shop.test"'],
  ['no-resolver', 502, '[error] 7#7: *1 no resolver defined to resolve orders.internal, client: 10.0.0.1, server: shop.test, request: "GET /api/orders HTTP/1.1", host: "shop.test"'],
  ['upstream-tls-to-plain-http', 502, `[error] 7#7: *1 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-tls-handshake-failed', 502, `[error] 7#7: *1 SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-tls-handshake-failed', 502, `[error] 7#7: *1 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-tls-verify-failed', 502, `[error] 7#7: *1 upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-tls-verify-failed', 502, `[error] 7#7: *1 upstream SSL certificate does not match "orders.internal" while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-send-failed', 502, `[error] 7#7: *1 writev() failed (32: Broken pipe) while sending request to upstream${CTX}`],
  ['upstream-send-failed', 502, `[error] 7#7: *1 sendfile() failed (104: Connection reset by peer) while sending request to upstream${CTX}`],
  ['upstream-prematurely-closed', 502, `[error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream${CTX}`],
  ['upstream-reset', 502, `[error] 7#7: *1 recv() failed (104: Connection reset by peer) while reading response header from upstream${CTX}`],
  ['upstream-header-too-big', 502, `[error] 7#7: *1 upstream sent too big header while reading response header from upstream${CTX}`],
  ['upstream-header-too-big', 502, `[error] 7#7: *1 upstream sent too big header while reading response header from upstream${FCGI}`],
  ['upstream-invalid-header', 502, `[error] 7#7: *1 upstream sent invalid header: "Bad\\x01..." while reading response header from upstream${CTX}`],
  ['upstream-invalid-header', 502, `[error] 7#7: *1 upstream sent invalid status "abc OK" while reading response header from upstream${FCGI}`],
  ['upstream-framing-conflict', 502, `[error] 7#7: *1 upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading response header from upstream${CTX}`],
  ['upstream-framing-conflict', 502, `[error] 7#7: *1 upstream sent duplicate header line: "Content-Length: 10", previous value: "Content-Length: 12" while reading response header from upstream${CTX}`],
  ['fastcgi-protocol-mismatch', 502, `[error] 7#7: *1 upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream${FCGI}`],
  ['fastcgi-protocol-mismatch', 502, `[error] 7#7: *1 upstream sent invalid FastCGI record type: 9 while reading response header from upstream${FCGI}`],
  ['fastcgi-prematurely-closed', 502, `[error] 7#7: *1 upstream prematurely closed FastCGI stdout while reading response header from upstream${FCGI}`],
  ['grpc-to-http1-backend', 502, `[error] 7#7: *1 upstream sent too large http2 frame: 4740180 while reading response header from upstream${GRPC}`],
  ['grpc-protocol-error', 502, `[error] 7#7: *1 upstream rejected request with error 2 while reading response header from upstream${GRPC}`],
  ['grpc-protocol-error', 502, `[error] 7#7: *1 upstream sent no :status header while reading response header from upstream${GRPC}`],
  ['upstream-connect-timeout', 504, `[error] 7#7: *1 upstream timed out (110: Connection timed out) while connecting to upstream${CTX}`],
  ['upstream-tls-timeout', 504, `[error] 7#7: *1 upstream timed out (110: Connection timed out) while SSL handshaking to upstream${CTX.replace('http://', 'https://')}`],
  ['upstream-send-timeout', 504, `[error] 7#7: *1 upstream timed out (110: Connection timed out) while sending request to upstream${CTX}`],
  ['upstream-read-timeout', 504, `[error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream${CTX}`],
  ['upstream-not-http', 9, `[error] 7#7: *1 upstream sent no valid HTTP/1.0 header while reading response header from upstream${CTX}`],
  // the body phase: the header already went out, so the client got a truncated response, not a 502
  ['upstream-body-truncated', null, `[error] 7#7: *1 upstream prematurely closed connection while reading upstream${CTX}`],
  ['upstream-body-truncated', null, `[error] 7#7: *1 upstream timed out (110: Connection timed out) while reading upstream${CTX}`],
  ['upstream-body-truncated', null, `[error] 7#7: *1 readv() failed (104: Connection reset by peer) while reading upstream${CTX}`],
  ['upstream-body-truncated', null, `[error] 7#7: *1 upstream sent invalid chunked response while reading upstream${CTX}`],
  ['upgraded-connection-timeout', null, `[info] 7#7: *1 upstream timed out (110: Connection timed out) while proxying upgraded connection${CTX}`],
  ['upstream-server-disabled', null, `[warn] 7#7: *1 upstream server temporarily disabled while connecting to upstream${CTX}`],
  ['fastcgi-stderr', null, `[error] 7#7: *1 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function foo()" while reading response header from upstream${FCGI}`],
  ['fastcgi-primary-script-unknown', 404, `[error] 7#7: *1 FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream${FCGI}`],
  ['worker-connections-exhausted', 500, '[alert] 7#7: *1 1024 worker_connections are not enough while connecting to upstream, client: 10.0.0.1, server: shop.test, request: "GET / HTTP/1.1", host: "shop.test"'],
  ['worker-connections-exhausted', 500, '[alert] 7#7: 512 worker_connections are not enough'],
  ['too-many-open-files', 500, '[crit] 7#7: accept4() failed (24: Too many open files)'],
  ['too-many-open-files', 500, `[alert] 7#7: *1 socket() failed (24: Too many open files) while connecting to upstream${CTX}`],
  ['client-closed-request', 499, `[info] 7#7: *1 epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while reading response header from upstream${CTX}`],
  ['client-closed-request', 499, `[info] 7#7: *1 client prematurely closed connection, so upstream connection is closed too while sending request to upstream${CTX}`],
  // request limits, as nginx 1.22 writes them (test/fixtures/logs/limit-req has lines a real nginx wrote)
  ['limit-req-rejected', 503, '[error] 7#7: *3 limiting requests, excess: 2.000 by zone "perip", client: 127.0.0.1, server: limits.test, request: "GET /api/x HTTP/1.1", host: "limits.test"'],
  ['limit-req-delayed', null, '[warn] 7#7: *2 delaying request, excess: 0.934, by zone "slow", client: 127.0.0.1, server: limits.test, request: "GET /slow/x HTTP/1.1", host: "limits.test"'],
  ['limit-conn-rejected', 503, '[error] 7#7: *9 limiting connections by zone "addr", client: 127.0.0.1, server: limits.test, request: "GET /dl/x HTTP/1.1", host: "limits.test"'],
  ['unknown', null, '[notice] 7#7: signal process started'],
  ['unknown', null, '[error] 7#7: *1 open() "/srv/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.1, server: shop.test, request: "GET /favicon.ico HTTP/1.1", host: "shop.test"'],
  ['unknown', null, '[info] 7#7: *1 client closed connection while waiting for request, client: 10.0.0.1, server: 0.0.0.0:80'],
];

test('every catalogued cause is reached by a real-looking line, with its status', () => {
  for (const [id, status, text] of CASES) {
    const e = parseErrorText(T + text);
    assert.ok(e, text);
    const c = classify(e);
    assert.equal(c.cause.id, id, text);
    assert.equal(c.status, status, text);
  }
  // found by comparing the line's peer with what the name resolves to now (test/unit/logs-stale.test.ts), not by its message
  const reached = new Set<string>([...CASES.map((c) => c[0]), 'upstream-stale-address']);
  assert.deepEqual(CAUSES.map((c) => c.id).filter((id) => !reached.has(id)), []);
});

test('every cause has an explanation, checks and directives (unknown excepted)', () => {
  const ids = new Set<string>();
  for (const c of CAUSES) {
    assert.ok(!ids.has(c.id), `duplicate id ${c.id}`);
    ids.add(c.id);
    assert.match(c.id, /^[a-z0-9-]+$/);
    assert.ok(c.title && c.explanation.length > 40, c.id);
    if (c.id !== 'unknown') {
      assert.ok(c.checks.length > 0, `${c.id} has checks`);
      assert.ok(c.directives.length > 0, `${c.id} has directives`);
    }
  }
  const perm = CAUSES.find((c) => c.id === 'upstream-permission-denied')!;
  assert.match(perm.checks.join(' '), /httpd_can_network_connect/);
  assert.match(perm.checks.join(' '), /listen\.owner/);
});

test('docs/logs.md lists every cause as its record says (regenerate: npx tsc -b && node scripts/gen-cause-table.mjs)', () => {
  const table = tableInDoc();
  assert.ok(table, 'docs/logs.md has the cause table markers');
  assert.equal(table, causeTable(CAUSES));
  const ids = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(ids, CAUSE_IDS);
});

test('cause records: the settings they show and the limit the doctor flags are upstream settings; the limit is one of the settings shown', () => {
  for (const c of CAUSES) {
    for (const s of c.settings ?? []) assert.match(s, /^(proxy_[a-z_]+|resolver)$/, `${c.id}: ${s}`);
    if (c.limit) assert.ok(c.settings?.includes(c.limit), `${c.id}: its limit ${c.limit} is shown too`);
    if (c.peerAdvice) assert.ok(c.peerAdvice.unix && c.peerAdvice.tcp, c.id);
  }
});
