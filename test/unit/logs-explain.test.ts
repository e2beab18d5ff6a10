// Linking log lines to server blocks and locations, with confidence, candidates and fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Explainer, LogReader, Matcher, RequestHistory, buildConfigSet, defaultCatalog, isUpstreamFailure, lineOf, logFormatsFromConfig, type Explanation, type LogEntry } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { memoryHost } from '../helpers/memory-host';
import { FIXTURES } from '../helpers/repo';

const T = '2026/11/22 02:50:50';

function explainer(conf: string): Explainer {
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': conf }), catalog: defaultCatalog() });
  return new Explainer(new Matcher(set));
}

function explainLines(x: Explainer, text: string): Explanation[] {
  const r = new LogReader({ formats: logFormatsFromConfig(x.matcher.set) });
  const entries: LogEntry[] = [...text.split('\n').flatMap((l) => r.push(l)), ...r.end()];
  // one history for the lines of one log, as the CLI does
  const history = new RequestHistory();
  return entries.map((e) => x.explain(e, history));
}

const line = (l: number | undefined): number | undefined => l;
const locLine = (x: Explanation): number | undefined => line(x.location ? x.location.node.file.source.lines.positionAt(x.location.node.d.start).line + 1 : undefined);

test('every line of a real nginx 1.22 error log links to its own location', () => {
  const dir = join(FIXTURES, 'logs', 'real');
  const set = buildConfigSet(join(dir, 'nginx.conf'), { host: new DiskHost(), catalog: defaultCatalog() });
  const x = new Explainer(new Matcher(set));
  const all = explainLines(x, readFileSync(join(dir, 'error.log'), 'utf8'));
  let linked = 0;
  for (const e of all) {
    const id = /^\/c\/([\w-]+)\//.exec(e.request?.target ?? '')?.[1];
    if (!id) continue;
    assert.equal(e.location?.name, `/c/${id}`, e.message);
    assert.equal(e.server?.loggedName, 'causes.test');
    assert.equal(e.confidence, 'exact', `${e.message}: ${e.reasons.join('; ')}`);
    linked++;
  }
  assert.ok(linked >= 30, `linked ${linked}`);
  const conn = all.find((e) => e.message.startsWith('client closed connection while waiting'))!;
  assert.equal(conn.location, null);
  assert.match(conn.reasons.join(' '), /connection-level/);
});

test('two blocks logging the same name: Host with a port decides, without it the answer is ambiguous', () => {
  const x = explainer(`events {} http {
    server { listen 80; server_name app.test; location / { proxy_pass http://10.0.0.1:8080; } }
    server { listen 443 ssl; server_name app.test; ssl_certificate c; ssl_certificate_key k; location / { proxy_pass http://10.0.0.2:8080; } location /api/ { proxy_pass http://10.0.0.2:8080; } }
  }`);
  const [a, b, c] = explainLines(x, [
    `${T} [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: app.test, request: "GET /x HTTP/1.1", upstream: "http://10.0.0.1:8080/x", host: "app.test"`,
    `${T} [error] 1#1: *2 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4, server: app.test, request: "GET /x HTTP/1.1", host: "app.test:443"`,
    `${T} [error] 1#1: *3 no live upstreams while connecting to upstream, client: 1.2.3.4, server: app.test, request: "GET /x HTTP/1.1", host: "app.test"`,
  ].join('\n'));
  // the upstream address tells the two blocks apart: only the port-80 block proxies to 10.0.0.1
  assert.equal(a!.confidence, 'exact');
  assert.equal(a!.why, null);
  assert.equal(locLine(a!), 2);
  // the port in Host does
  assert.equal(locLine(b!), 3);
  assert.notEqual(b!.confidence, 'ambiguous');
  // nothing does
  assert.equal(c!.confidence, 'ambiguous');
  assert.equal(c!.location, null);
  assert.equal(c!.candidates.length, 2);
  assert.match(c!.reasons.join(' '), /does not say which server block/);
  assert.match(c!.why!, /^2 places fit the line equally well: location \/ \(\/etc\/nginx\/nginx.conf:2\); location \/ \(\/etc\/nginx\/nginx.conf:3\)/);
});

test('the upstream field picks the try_files fallback that really proxied', () => {
  const x = explainer(`events {} http {
    upstream app { server 127.0.0.1:3000; server unix:/run/app.sock; }
    server { listen 80; server_name shop.test;
      location / { try_files $uri $uri/ @app; }
      location @app { proxy_pass http://app; }
      location /php/ { fastcgi_pass unix:/run/php/fpm.sock; fastcgi_read_timeout 5s; }
    }
  }`);
  const [a, b, c] = explainLines(x, [
    `${T} [error] 1#1: *1 upstream prematurely closed connection while reading response header from upstream, client: 1.2.3.4, server: shop.test, request: "GET /products/7 HTTP/1.1", upstream: "http://127.0.0.1:3000/products/7", host: "shop.test"`,
    `${T} [crit] 1#1: *2 connect() to unix:/run/app.sock failed (2: No such file or directory) while connecting to upstream, client: 1.2.3.4, server: shop.test, request: "GET /cart HTTP/1.1", upstream: "http://unix:/run/app.sock:/cart", host: "shop.test"`,
    `${T} [error] 1#1: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4, server: shop.test, request: "GET /php/index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/fpm.sock:", host: "shop.test"`,
  ].join('\n'));
  // "/" has no *_pass: only its try_files fallback can have made the attempt
  assert.equal(a!.location?.name, '@app');
  assert.equal(a!.confidence, 'exact');
  assert.match(a!.reasons.join('\n'), /try_files \(\/etc\/nginx\/nginx.conf:4\) in location \/ .* falls back to location @app/);
  assert.equal(b!.location?.name, '@app');
  assert.equal(b!.cause.id, 'upstream-socket-missing');
  assert.ok(b!.fixes.some((f) => /upstream app is defined at \/etc\/nginx\/nginx.conf:2/.test(f)), b!.fixes.join('\n'));
  assert.equal(c!.location?.name, '/php/');
  assert.equal(c!.confidence, 'exact');
  assert.equal(c!.fixes[0], 'fastcgi_read_timeout is 5s (/etc/nginx/nginx.conf:6)');
  assert.match(c!.summary, /^504: backend too slow to answer for GET \/php\/index.php in location \/php\//);
});

test('access-log lines link too; combined has no host, so the config\'s servers are all candidates', () => {
  const x = explainer(`events {} http {
    log_format main2 '$remote_addr "$request" $status host=$host up=$upstream_addr';
    server { listen 80; server_name a.test; location /api/ { proxy_pass http://10.0.0.1:80; } }
    server { listen 80; server_name b.test; location /api/ { proxy_pass http://10.0.0.2:80; } }
  }`);
  const [a, b, c] = explainLines(x, [
    '1.2.3.4 "GET /api/x HTTP/1.1" 502 host=b.test up=10.0.0.2:80',
    '1.2.3.4 - - [22/Nov/2026:02:50:50 +0000] "GET /api/x HTTP/1.1" 504 0 "-" "curl"',
    '1.2.3.4 "GET /api/x HTTP/1.1" 200 host=b.test up=10.0.0.2:80',
  ].join('\n'));
  assert.equal(a!.server?.loggedName, 'b.test');
  assert.equal(a!.confidence, 'exact');
  assert.match(a!.summary, /^502 in the access log/);
  assert.equal(b!.confidence, 'ambiguous');
  assert.equal(b!.candidates.length, 2);
  assert.equal(isUpstreamFailure(c!.entry), false);
});

test('lines from another config: no block logs that name, the host decides; unknown causes stay linked', () => {
  const x = explainer(`events {} http { server { listen 80; server_name new.test; location / { proxy_pass http://10.0.0.1; } } }`);
  const [a] = explainLines(x, `${T} [error] 1#1: *1 upstream sent invalid chunked response while reading upstream, client: 1.2.3.4, server: old.test, request: "GET /x HTTP/1.1", upstream: "http://10.0.0.1:80/x", host: "new.test"`);
  assert.equal(a!.location?.name, '/');
  assert.match(a!.reasons.join(' '), /no server block logs server: "old.test"/);
  assert.equal(a!.status, null);
  assert.equal(a!.bodyPhase, true);
  assert.match(a!.summary, /^truncated response:/);
});

test('limit_req lines a real nginx wrote: status from limit_req_status (503 by default), linked to the limit_req line and its zone', () => {
  const dir = join(FIXTURES, 'logs', 'limit-req');
  const set = buildConfigSet(join(dir, 'nginx.conf'), { host: new DiskHost(), catalog: defaultCatalog() });
  const x = new Explainer(new Matcher(set));
  const all = explainLines(x, readFileSync(join(dir, 'error.log'), 'utf8'));
  const api = all.find((e) => e.request?.target === '/api/x')!;
  assert.equal(api.cause.id, 'limit-req-rejected');
  assert.equal(api.status, 503);
  assert.equal(api.location?.name, '/api/');
  assert.ok(api.fixes.some((f) => /^limit_req zone=perip burst=1 nodelay applies here \(.*nginx\.conf:\d+\)$/.test(f)), api.fixes.join('\n'));
  assert.ok(api.fixes.some((f) => /^zone "perip" is defined by limit_req_zone .*zone=perip:1m rate=1r\/m/.test(f)), api.fixes.join('\n'));
  const login = all.find((e) => e.request?.target === '/login')!;
  assert.equal(login.status, 429);
  assert.ok(login.fixes.some((f) => /^limit_req_status is 429 /.test(f)), login.fixes.join('\n'));
  const slow = all.find((e) => e.request?.target === '/slow/x')!;
  assert.equal(slow.cause.id, 'limit-req-delayed');
  assert.equal(slow.status, null);
  assert.ok(slow.fixes.some((f) => /^limit_req zone=slow burst=5 applies here/.test(f)), slow.fixes.join('\n'));
  // a delay is no failure: not among the lines explain shows by default
  assert.equal(isUpstreamFailure(slow.entry), false);
  assert.equal(isUpstreamFailure(api.entry), true);
});

// ----- error_page chains, shared server names, peers that fit nothing (issue #16) -----------------

const errLine = (n: number, msg: string, ctx: string): string => `${T} [error] 1#1: *${n} ${msg}, client: 1.2.3.4, ${ctx}`;
const refused = 'connect() failed (111: Connection refused) while connecting to upstream';

test("certbot's pair: the port-80 block only redirects, so the 443 block made the attempt (exact)", () => {
  const x = explainer(`events {} http {
    upstream storefront { server 10.0.1.21:3000; }
    server { listen 80; server_name shop.test www.shop.test; return 301 https://shop.test$request_uri; }
    server { listen 443 ssl; server_name shop.test; ssl_certificate c; ssl_certificate_key k;
      location / { proxy_pass http://storefront; }
    }
  }`);
  const [a] = explainLines(x, errLine(1, refused, 'server: shop.test, request: "GET /cart HTTP/1.1", upstream: "http://10.0.1.21:3000/cart", host: "shop.test"'));
  assert.equal(a!.confidence, 'exact', a!.why ?? '');
  assert.equal(locLine(a!), 5);
  assert.equal(a!.server?.listens[0]?.port, 443);
  assert.match(a!.reasons.join('\n'), /server shop.test \(\/etc\/nginx\/nginx.conf:3\) cannot have made an upstream attempt for "\/cart": it answers 301 before any location/);
});

test('error_page chains: each line links to the location whose peer it names; inherited error_page; URI targets', () => {
  const x = explainer(`events {} http {
    upstream app { server 10.0.0.1:80; }
    upstream spare { server 10.0.0.2:80; }
    server { listen 80; server_name a.test;
      error_page 502 504 = @spare;
      location / { proxy_pass http://app; }
      location /api/ { proxy_pass http://app; error_page 502 /fallback/api; }
      location /fallback/ { internal; proxy_pass http://app; }
      location /nested/ { error_page 502 =200 @spare; location /nested/deep/ { proxy_pass http://10.0.0.3:80; } }
      location @spare { proxy_pass http://spare; }
    }
  }`);
  const ctx = (path: string, up: string): string => `server: a.test, request: "GET ${path} HTTP/1.1", upstream: "${up}", host: "a.test"`;
  const [a, b, c, d, e, f] = explainLines(x, [
    errLine(1, refused, ctx('/x', 'http://10.0.0.1:80/x')),
    errLine(1, refused, ctx('/x', 'http://10.0.0.2:80/x')),
    // the same group after error_page to a URI: the URI in the upstream field decides
    errLine(2, refused, ctx('/api/v', 'http://10.0.0.1:80/api/v')),
    errLine(2, refused, ctx('/api/v', 'http://10.0.0.1:80/fallback/api')),
    // error_page inherited from the parent location (the server's is replaced there)
    errLine(3, refused, ctx('/nested/deep/q', 'http://10.0.0.3:80/nested/deep/q')),
    errLine(3, refused, ctx('/nested/deep/q', 'http://10.0.0.2:80/nested/deep/q')),
  ].join('\n'));
  assert.deepEqual([a, b, c, d, e, f].map((y) => [y!.location?.name, y!.confidence, y!.step]), [
    ['/', 'exact', 0], ['@spare', 'exact', 1], ['/api/', 'exact', 0], ['/fallback/', 'exact', 1], ['/nested/deep/', 'exact', 0], ['@spare', 'exact', 1],
  ]);
  assert.match(b!.reasons.join('\n'), /error_page 502 504 = @spare \(\/etc\/nginx\/nginx.conf:5\) in location \/ /);
  assert.match(f!.reasons.join('\n'), /error_page 502 =200 @spare \(\/etc\/nginx\/nginx.conf:9\) in location \/nested\/deep\//);
});

test('recursive_error_pages: off, the chain stops after one error_page; on, it goes on', () => {
  const conf = (recursive: string): string => `events {} http {
    server { listen 80; server_name a.test; ${recursive}
      location / { proxy_pass http://10.0.0.1; error_page 502 = @one; }
      location @one { proxy_pass http://10.0.0.2; error_page 502 = @two; }
      location @two { proxy_pass http://10.0.0.3; }
    }
  }`;
  const l = errLine(1, refused, 'server: a.test, request: "GET /x HTTP/1.1", upstream: "http://10.0.0.3:80/x", host: "a.test"');
  const [on] = explainLines(explainer(conf('recursive_error_pages on;')), l);
  assert.equal(on!.location?.name, '@two');
  assert.equal(on!.confidence, 'exact');
  assert.equal(on!.step, 2);
  // off: @two is never reached, so the peer fits nothing nginx could have tried
  const [off] = explainLines(explainer(conf('')), l);
  assert.equal(off!.location?.name, '/');
  assert.equal(off!.confidence, 'likely');
  assert.match(off!.why!, /^the upstream peer "10.0.0.3:80" does not match proxy_pass http:\/\/10.0.0.1 \(\/etc\/nginx\/nginx.conf:3\): the log may come from another version of the config/);
});

test('identical lines from two places of one chain (a named fallback on the same group): the order of the request\'s lines decides', () => {
  const x = explainer(`events {} http {
    upstream app { server 10.0.0.1:80; }
    server { listen 80; server_name a.test;
      location / { proxy_pass http://app; error_page 502 = @again; }
      location @again { proxy_pass http://app; }
    }
  }`);
  const l1 = errLine(7, refused, 'server: a.test, request: "GET /x HTTP/1.1", upstream: "http://10.0.0.1:80/x", host: "a.test"');
  const l2 = errLine(9, refused, 'server: a.test, request: "GET /x HTTP/1.1", upstream: "http://10.0.0.1:80/x", host: "a.test"');
  const [a, b, c, d] = explainLines(x, [l1, l1, l2, l2].join('\n'));
  assert.deepEqual([a, b, c, d].map((y) => [y!.location?.name, y!.confidence]), [['/', 'likely'], ['@again', 'likely'], ['/', 'likely'], ['@again', 'likely']]);
  assert.match(b!.why!, /^the same line can come from location \/ .* and from location @again .*; the request's earlier lines in this log put it at step 2 of the chain$/);
  // one line on its own cannot tell
  const r = new LogReader();
  const alone = x.explain(r.push(l1)[0]!);
  assert.equal(alone.confidence, 'ambiguous');
  assert.match(alone.why!, /which one depends on the request's earlier lines/);
  assert.equal(alone.candidates.length, 2);
});

test('several blocks log one name: a block whose location cannot proxy is out; two that can are listed with why', () => {
  const x = explainer(`events {} http {
    server { listen 8080; server_name app.test; location / { return 200 ok; } }
    server { listen 8081; server_name app.test; location / { proxy_pass http://10.0.0.9:80; } }
    server { listen 8082; server_name app.test; location / { proxy_pass http://10.0.0.9:80; } }
  }`);
  const [a, b] = explainLines(x, [
    errLine(1, refused, 'server: app.test, request: "GET / HTTP/1.1", upstream: "http://10.0.0.9:80/", host: "app.test"'),
    errLine(2, refused, 'server: app.test, request: "GET / HTTP/1.1", upstream: "http://10.0.0.9:80/", host: "app.test:8082"'),
  ].join('\n'));
  assert.equal(a!.confidence, 'ambiguous');
  assert.deepEqual(a!.candidates.map((c) => lineOf(c.server.node)), [3, 4]);
  assert.match(a!.why!, /does not say which server block/);
  assert.match(a!.reasons.join('\n'), /server app.test \(\/etc\/nginx\/nginx.conf:2\) cannot have made an upstream attempt for "\/": it answers 200 in location \/ /);
  // the port in Host picks the block
  assert.equal(b!.confidence, 'likely');
  assert.equal(lineOf(b!.server!.node), 4);
  assert.match(b!.why!, /the Host header "app.test:8082" selects server app.test \(\/etc\/nginx\/nginx.conf:4\) on port 8082/);
});

test('every answer that is not exact says why in one sentence; exact answers do not', () => {
  const x = explainer(`events {} http {
    server { listen 80; server_name a.test;
      location / { proxy_pass http://backend.internal:8080; }
      location /v/ { set $b backend.internal; proxy_pass http://$b:8080; }
    }
  }`);
  const all = explainLines(x, [
    errLine(1, refused, 'server: a.test, request: "GET /x HTTP/1.1", upstream: "http://172.18.0.3:8080/x", host: "a.test"'),
    `${T} [error] 1#1: *2 no resolver defined to resolve backend.internal, client: 1.2.3.4, server: a.test, request: "GET /v/x HTTP/1.1", host: "a.test"`,
    errLine(3, refused, 'server: a.test, request: "GET /x HTTP/1.1", upstream: "http://172.18.0.3:9999/x", host: "a.test"'),
  ].join('\n'));
  assert.deepEqual(all.map((y) => [y.location?.name, y.confidence]), [['/', 'likely'], ['/v/', 'exact'], ['/', 'likely']]);
  assert.match(all[0]!.why!, /can come from proxy_pass http:\/\/backend.internal:8080 .*whose host name or variables nginx resolves at run time/);
  assert.match(all[2]!.why!, /does not match proxy_pass http:\/\/backend.internal:8080/);
  for (const y of all) assert.equal(y.why === null, y.confidence === 'exact');
});

test('a line that is no upstream attempt (limit_req) links to the URI\'s location, not to an error_page fallback', () => {
  const x = explainer(`events {} http {
    limit_req_zone $binary_remote_addr zone=perip:1m rate=1r/s;
    server { listen 80; server_name a.test; error_page 502 503 504 @down;
      location /api/ { limit_req zone=perip; proxy_pass http://10.0.0.1; }
      location @down { proxy_pass http://10.0.0.2; }
    }
  }`);
  const [a] = explainLines(x, `${T} [error] 1#1: *1 limiting requests, excess: 1.000 by zone "perip", client: 1.2.3.4, server: a.test, request: "GET /api/x HTTP/1.1", host: "a.test"`);
  assert.equal(a!.cause.id, 'limit-req-rejected');
  assert.equal(a!.location?.name, '/api/');
  assert.equal(a!.confidence, 'exact', a!.why ?? '');
});
