// Error-log lines in every shape nginx writes them (nginx-facts §1), plus garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseErrorText } from '../../server/src/core/index';

const T = '2026/11/22 02:50:50';

test('a full line: time, level, pid#tid, *connection, message, errno, action, every context field', () => {
  const e = parseErrorText(`${T} [error] 570#570: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /refused HTTP/1.1", upstream: "http://127.0.0.1:18197/x", host: "127.0.0.1:18080", referrer: "http://ref.test/"`)!;
  assert.equal(e.kind, 'error');
  assert.equal(e.time, T);
  assert.equal(e.level, 'error');
  assert.deepEqual([e.pid, e.tid, e.connection], [570, 570, 1]);
  assert.equal(e.message, 'connect() failed');
  assert.deepEqual(e.errno, { code: 111, text: 'Connection refused' });
  assert.equal(e.action, 'connecting to upstream');
  assert.deepEqual(e.context, {
    client: '127.0.0.1', server: '', request: 'GET /refused HTTP/1.1', upstream: 'http://127.0.0.1:18197/x', host: '127.0.0.1:18080', referrer: 'http://ref.test/',
  });
  assert.equal(e.truncated, false);
});

test('builds without threads print tid 0; process-level lines have no *connection and no context', () => {
  const e = parseErrorText(`${T} [notice] 1234#0: signal process started`)!;
  assert.deepEqual([e.pid, e.tid, e.connection, e.message, e.context], [1234, 0, undefined, 'signal process started', {}]);
  const k = parseErrorText(`${T} [info] 570#570: *1 client 127.0.0.1 closed keepalive connection`)!;
  assert.equal(k.message, 'client 127.0.0.1 closed keepalive connection');
  assert.deepEqual(k.context, {});
  assert.equal(k.connection, 1);
});

test('lines without action, and subrequest lines', () => {
  const e = parseErrorText(`${T} [error] 7#7: *3 open() "/srv/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.1, server: example.com, request: "GET /favicon.ico HTTP/2.0", host: "example.com"`)!;
  assert.equal(e.message, 'open() "/srv/www/favicon.ico" failed');
  assert.equal(e.action, undefined);
  assert.equal(e.errno?.code, 2);
  assert.equal(e.context.request, 'GET /favicon.ico HTTP/2.0');
  const s = parseErrorText(`${T} [error] 7#7: *9 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: a.test, request: "GET /page HTTP/1.1", subrequest: "/auth", upstream: "http://10.0.0.9:9000/auth", host: "a.test"`)!;
  assert.equal(s.context.subrequest, '/auth');
  assert.equal(s.context.upstream, 'http://10.0.0.9:9000/auth');
});

test('connection-level lines: server is the listen address, no request', () => {
  const e = parseErrorText(`${T} [info] 570#570: *7 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 127.0.0.1, server: 127.0.0.1:18443`)!;
  assert.equal(e.message, 'SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share)');
  assert.equal(e.errno, undefined);
  assert.equal(e.action, 'SSL handshaking');
  assert.deepEqual(e.context, { client: '127.0.0.1', server: '127.0.0.1:18443' });
  const w = parseErrorText(`${T} [info] 570#570: *1 client closed connection while waiting for request, client: [::1], server: [::]:80`)!;
  assert.deepEqual(w.context, { client: '[::1]', server: '[::]:80' });
});

test('quoted fields may contain quotes and text that looks like the next field', () => {
  const e = parseErrorText(`${T} [error] 5#5: *2 upstream sent too big header while reading response header from upstream, client: 1.2.3.4, server: a.test, request: "GET /x"y", host: "evil" HTTP/1.1", upstream: "http://10.0.0.1:80/x"y", host: "evil"", host: "a.test", referrer: "http://r/"q""`)!;
  assert.equal(e.context.request, 'GET /x"y", host: "evil" HTTP/1.1');
  assert.equal(e.context.upstream, 'http://10.0.0.1:80/x"y", host: "evil"');
  assert.equal(e.context.host, 'a.test');
  assert.equal(e.context.referrer, 'http://r/"q"');
});

test('a message that contains ", client: " (FastCGI stderr) does not fool the context split', () => {
  const e = parseErrorText(`${T} [error] 5#5: *2 FastCGI sent in stderr: "spoof, client: 6.6.6.6, server: evil" while reading response header from upstream, client: 1.2.3.4, server: a.test, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "a.test"`)!;
  assert.equal(e.message, 'FastCGI sent in stderr: "spoof, client: 6.6.6.6, server: evil"');
  assert.equal(e.action, 'reading response header from upstream');
  assert.equal(e.context.client, '1.2.3.4');
  assert.equal(e.context.upstream, 'fastcgi://unix:/run/php/php8.2-fpm.sock:');
});

test('lines cut at 2047 bytes keep what is there', () => {
  const head = `${T} [error] 5#5: *2 upstream prematurely closed connection while reading response header from upstream, client: 1.2.3.4, server: a.test, request: "GET /`;
  const cut = head + 'a'.repeat(2047 - head.length);
  assert.equal(cut.length, 2047);
  const e = parseErrorText(cut)!;
  assert.equal(e.truncated, true);
  assert.equal(e.message, 'upstream prematurely closed connection');
  assert.equal(e.context.server, 'a.test');
  assert.ok(e.context.request!.startsWith('GET /aaa'));
  // cut inside a key: ", hos"
  const mk = (n: number): string => `${T} [error] 5#5: *2 no live upstreams while connecting to upstream, client: 1.2.3.4, server: a.test, request: "GET /${'b'.repeat(n)} HTTP/1.1", upstream: "http://pool/x", hos`;
  const cut2 = mk(2047 - mk(0).length);
  assert.equal(cut2.length, 2047);
  const e2 = parseErrorText(cut2, 1, 2047)!;
  assert.equal(e2.truncated, true);
  assert.equal(e2.context.upstream, 'http://pool/x');
  assert.equal(e2.message, 'no live upstreams');
  // the same text as a short line (not cut by nginx) would be malformed: no context is invented
  const short = parseErrorText(`${T} [error] 5#5: *2 x, client: 1.2.3.4, server: a.test, request: "GET /`)!;
  assert.equal(short.truncated, false);
  assert.deepEqual(short.context, {});
});

test('syslog, journald and container prefixes are kept aside', () => {
  const line = `${T} [error] 9#9: *4 no live upstreams while connecting to upstream, client: 1.2.3.4, server: a.test, request: "GET / HTTP/1.1", upstream: "http://backend/", host: "a.test"`;
  for (const prefix of ['<11>Nov 22 02:50:50 web1 nginx: ', 'Nov 22 02:50:50 web1 nginx[9]: ', 'web-1  | ', '2026-11-22T02:50:50.123456789Z stderr F ']) {
    const e = parseErrorText(prefix + line)!;
    assert.ok(e, prefix);
    assert.equal(e.prefix, prefix);
    assert.equal(e.message, 'no live upstreams');
    assert.equal(e.context.upstream, 'http://backend/');
  }
});

test('stream module lines: udp client, upstream, byte counters', () => {
  const e = parseErrorText(`${T} [error] 9#9: *4 connect() failed (111: Connection refused) while connecting to upstream, udp client: 10.0.0.2, server: 0.0.0.0:53, upstream: "10.0.0.53:53", bytes from/to client:40/0, bytes from/to upstream:0/0`)!;
  assert.equal(e.context.transport, 'udp');
  assert.equal(e.context.client, '10.0.0.2');
  assert.equal(e.context.server, '0.0.0.0:53');
  assert.equal(e.context.upstream, '10.0.0.53:53');
  assert.equal(e.context.bytes, 'bytes from/to client:40/0, bytes from/to upstream:0/0');
});

test('regex server names (with commas) and IPv6 clients', () => {
  const e = parseErrorText(`${T} [error] 9#9: *4 no live upstreams while connecting to upstream, client: 2001:db8::1, server: ~^(a|b){1,2}\\.test$, request: "GET / HTTP/1.1", upstream: "http://up/", host: "aa.test"`)!;
  assert.equal(e.context.client, '2001:db8::1');
  assert.equal(e.context.server, '~^(a|b){1,2}\\.test$');
  assert.equal(e.context.host, 'aa.test');
});

test('non-UTF-8 bytes (decoded as U+FFFD) and raw NUL bytes do not break parsing', () => {
  const e = parseErrorText(`${T} [info] 5#5: *1 client sent invalid request while reading client request line, client: 1.2.3.4, server: _, request: "GET /\ufffd\ufffd\u0000x HTTP/1.1"`)!;
  assert.equal(e.context.request, 'GET /\ufffd\ufffd\u0000x HTTP/1.1');
  assert.equal(e.action, 'reading client request line');
});

test('garbage is not an error-log line', () => {
  for (const g of ['', 'hello', '2026/11/22 [error] 1#1: x', '2026/11/22 02:50:50 [fatal] 1#1: x', '<html>', '\u0000\u0001binary']) {
    assert.equal(parseErrorText(g), null, JSON.stringify(g));
  }
});
