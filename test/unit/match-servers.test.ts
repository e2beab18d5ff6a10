// Server block selection: listen address:port, default_server, every server_name form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, buildConfigSet, defaultCatalog } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

function matcher(http: string, opts = {}): Matcher {
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': `events {}\nhttp {\n${http}\n}\n` }), catalog: defaultCatalog() });
  return new Matcher(set, opts);
}

/** The tag (first `set $t X`... simpler: the first server_name or "#N") of the chosen server. */
function pick(m: Matcher, host: string | null, port = 80, addr = '127.0.0.1', target = '/'): string | null {
  const r = m.match({ addr, port, host, target });
  if (!r.server) return null;
  if (r.status === 400) return '400';
  return r.server.names[0] ?? `#${r.server.index}`;
}

test('server_name precedence: exact, longest leading wildcard, longest trailing wildcard, regex in order, default', () => {
  const m = matcher(`
    server { listen 80; server_name first.test; }
    server { listen 80; server_name *.example.com; }
    server { listen 80; server_name *.api.example.com; }
    server { listen 80; server_name www.example.*; }
    server { listen 80; server_name www.example.com; }
    server { listen 80; server_name .shop.test; }
    server { listen 80; server_name ~^(?<user>[a-z]+)\\.users\\.test$ ~^www\\d+\\.; }
    server { listen 80; server_name ~^.*\\.users\\.test$; }
    server { listen 80; server_name www.*; }
    server { listen 80; server_name ~UPPER\\.test$; }
  `);
  const table: [string | null, string][] = [
    ['www.example.com', 'www.example.com'], // exact beats every wildcard
    ['a.example.com', '*.example.com'],
    ['a.b.example.com', '*.example.com'], // *. matches any depth
    ['x.api.example.com', '*.api.example.com'], // the longest leading wildcard
    ['example.com', 'first.test'], // *.example.com does not match example.com itself
    ['shop.test', '.shop.test'], // .shop.test does
    ['a.shop.test', '.shop.test'],
    ['www.example.org', '*.example.com'.replace('*.example.com', 'www.example.*')],
    ['www.example.co.uk', 'www.example.*'],
    ['www.other.org', 'www.*'],
    ['www.example', 'www.*'], // www.example.* needs a further label
    ['bob.users.test', '~^(?<user>[a-z]+)\\.users\\.test$'], // regexes in config order
    ['b0b.users.test', '~^.*\\.users\\.test$'],
    ['www7.x.test', '~^(?<user>[a-z]+)\\.users\\.test$'],
    ['a.upper.test', '~UPPER\\.test$'], // upper case in a regex name makes it caseless
    ['WWW.EXAMPLE.COM', 'www.example.com'], // the host is lower-cased
    ['www.example.com.', 'www.example.com'], // one trailing dot is dropped
    ['www.example.com:8080', 'www.example.com'], // the port is dropped
    ['unknown.test', 'first.test'], // no match: the first server on the address
    [null, 'first.test'], // no Host (HTTP/1.0): the empty name
    ['a..b', '400'],
    ['', '400'],
  ];
  for (const [host, want] of table) assert.equal(pick(m, host), want, `host ${host}`);
});

test('default_server, the empty name, conflicting names (first keeps), servers without server_name', () => {
  const m = matcher(`
    server { listen 80; server_name a.test; }
    server { listen 80 default_server; server_name b.test; }
    server { listen 80; server_name a.test c.test; }
    server { listen 80; }
    server { listen 81; server_name ""; }
    server { listen 81; server_name x.test; }
  `);
  assert.equal(pick(m, 'zzz'), 'b.test');
  assert.equal(pick(m, 'a.test'), 'a.test'); // conflicting name: the first server keeps it
  assert.equal(m.match({ port: 80, host: 'a.test', target: '/' }).server!.index, 0);
  assert.equal(pick(m, 'c.test'), 'a.test'); // ...the third server is found by its second name
  assert.equal(m.match({ port: 80, host: 'c.test', target: '/' }).server!.index, 2);
  assert.equal(pick(m, null), '#3'); // no server_name means the name ""
  assert.equal(pick(m, null, 81), '');
  assert.equal(pick(m, 'q', 81), '');
  assert.ok(m.match({ port: 80, host: 'a.test', target: '/' }).reason.some((r) => /conflicting server name "a.test"/.test(r)));
});

test('listen: a specific IP has its own servers, the wildcard takes the rest, nothing else answers', () => {
  const m = matcher(`
    server { listen 8080; server_name wild.test; }
    server { listen 127.0.0.1:8080; server_name lo.test; }
    server { listen 127.0.0.2:8080 default_server; server_name two.test; }
    server { listen 127.0.0.2:8080; server_name two-b.test; }
    server { listen 127.0.0.1:9090; server_name only.test; }
    server { listen [::1]:8080; server_name v6.test; }
    server { listen localhost:7070; server_name local.test; }
    server { server_name implicit.test; }
  `);
  assert.equal(pick(m, 'wild.test', 8080, '127.0.0.1'), 'lo.test'); // wild.test is not a candidate on 127.0.0.1
  assert.equal(pick(m, 'anything', 8080, '127.0.0.3'), 'wild.test');
  assert.equal(pick(m, 'two-b.test', 8080, '127.0.0.2'), 'two-b.test');
  assert.equal(pick(m, 'x', 8080, '127.0.0.2'), 'two.test');
  assert.equal(pick(m, 'x', 9090, '127.0.0.1'), 'only.test');
  assert.equal(pick(m, 'x', 9090, '127.0.0.2'), null); // nothing listens there
  assert.equal(pick(m, 'x', 8080, '::1'), 'v6.test');
  assert.equal(pick(m, 'x', 8080, '[0:0:0:0:0:0:0:1]'), 'v6.test');
  assert.equal(pick(m, 'x', 7070, '127.0.0.1'), 'local.test');
  assert.equal(pick(m, 'x', 80, '10.0.0.1'), 'implicit.test'); // no listen: *:80
  assert.equal(matcher('server { server_name i.test; }', { implicitPort: 8000 }).match({ port: 8000, host: 'x', target: '/' }).server?.names[0], 'i.test');
});

test('the absolute request target names the host; an invalid Host header is still a 400', () => {
  const m = matcher(`
    server { listen 80; server_name a.test; }
    server { listen 80; server_name b.test; }
  `);
  assert.equal(pick(m, 'a.test', 80, '127.0.0.1', 'http://b.test/x'), 'b.test');
  assert.equal(pick(m, 'a..b', 80, '127.0.0.1', 'http://b.test/x'), '400');
});

test('the logged server: name is the first name, lower-cased, without a leading dot; regex names keep "~"', () => {
  const m = matcher(`
    server { listen 80; }
    server { listen 80; server_name ""; }
    server { listen 80; server_name _; }
    server { listen 80; server_name .Example.COM www.other.test; }
    server { listen 80; server_name *.wild.test; }
    server { listen 80; server_name ~^(?<sub>\\w+)\\.Regex\\.test$; }
    server { listen 80; server_name $hostname; }
  `, { hostname: 'web01' });
  assert.deepEqual(m.table.servers.map((s) => s.loggedName), ['', '', '_', 'example.com', '*.wild.test', '~^(?<sub>\\w+)\\.Regex\\.test$', 'web01']);
  assert.equal(pick(m, 'web01'), '$hostname');
});
