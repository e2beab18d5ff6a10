// Location selection as ngx_http_core_find_location does it, and the redirects the config decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, buildConfigSet, defaultCatalog, type MatchResult } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

function matcher(server: string): Matcher {
  const text = `events {}\nhttp {\n  server {\n    listen 80;\n${server}\n  }\n}\n`;
  return new Matcher(buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': text }), catalog: defaultCatalog() }));
}

const where = (r: MatchResult): string => (r.location ? `${r.location.modifier ? `${r.location.modifier} ` : ''}${r.location.name}` : '(server)');
const loc = (m: Matcher, target: string): string => {
  const r = m.match({ port: 80, host: 'x', target });
  return `${where(r)}${r.status !== null ? ` [${r.status}]` : ''}`;
};

test('precedence: = first, then the longest prefix and its nested locations, then regexes in order, ^~', () => {
  const m = matcher(`
    location / { }
    location = / { }
    location /a/ {
      location ~ \\.php$ { }
      location /a/b/ { }
      location ^~ /a/c/ { }
    }
    location ~ /a/b/ { }
    location ^~ /static/ { }
    location ~ \\.php$ { }
    location ~* \\.JPG$ { }
    location ~ \\.(gif|jpg)$ { }
    location /img/ { }
    location ~ \\.(gif|png)$ {
      location ~ ^/img/ { }
    }
    location = /exact { }
    location /exact { }
    location /X { }
  `);
  const table: [string, string][] = [
    ['/', '= /'],
    ['/index.html', '/'],
    ['/a/x.php', '~ \\.php$'], // the regex nested in /a/ beats every outer regex (it is first anyway here)
    ['/a/b/', '~ /a/b/'], // an outer regex beats a nested prefix
    ['/a/c/x.php', '~ \\.php$'], // ^~ on a nested location does not protect against regexes one level up...
    ['/a/c/x', '^~ /a/c/'],
    ['/static/x.php', '^~ /static/'], // ...but ^~ at this level does
    ['/X.PHP', '/X'], // ~ is case-sensitive
    ['/y.jpg', '~* \\.JPG$'], // regexes in config order
    ['/img/y.gif', '~ \\.(gif|jpg)$'],
    ['/img/y.png', '~ ^/img/'], // a regex nested in a regex
    ['/y.png', '~ \\.(gif|png)$'],
    ['/exact', '= /exact'], // = sorts before the prefix of the same name
    ['/exactly', '/exact'],
    ['/@named', '/'],
  ];
  for (const [target, want] of table) assert.equal(loc(m, target), want, target);
});

test('named locations are never matched by a URI; locations that do not start with "/" never match', () => {
  const m = matcher(`
    location @fallback { }
    location api { }
    location /b { }
  `);
  assert.equal(loc(m, '/@fallback'), '(server)');
  assert.equal(loc(m, '/api'), '(server)');
  assert.equal(loc(m, '/b'), '/b');
});

test('auto-redirect: a *_pass location ending in "/" answers 301 for the URI without it', () => {
  const m = matcher(`
    location /api/ { proxy_pass http://127.0.0.1:9000; }
    location /plain/ { }
    location = /exact/ { fastcgi_pass 127.0.0.1:9000; }
    location ~ ^/api$ { }
    location ~ ^/r/ { location /r/x/ { proxy_pass http://127.0.0.1:9000; } }
  `);
  assert.equal(loc(m, '/api'), '/api/ [301]'); // the 301 wins even over a matching regex
  assert.equal(loc(m, '/api/x'), '/api/');
  assert.equal(loc(m, '/plain'), '(server)');
  assert.equal(loc(m, '/exact'), '= /exact/ [301]');
  assert.equal(loc(m, '/r/x'), '/r/x/'); // inside a regex location there is no 301, but its config applies
});

test('URIs are normalised before matching, the query string never matters', () => {
  const m = matcher(`
    location / { }
    location /a/b/ { }
    location ^~ /static/ { }
    location ~ ^/a/b$ { }
    location "/with space" { }
    location /café { }
  `);
  assert.equal(loc(m, '//a///b/'), '/a/b/');
  assert.equal(loc(m, '/a%2fb/'), '/a/b/');
  assert.equal(loc(m, '/x/%2e%2e/static/z'), '^~ /static/');
  assert.equal(loc(m, '/a/b?x=/static/'), '~ ^/a/b$');
  assert.equal(loc(m, '/with%20space'), '/with space');
  assert.equal(loc(m, '/caf%C3%A9'), '/café');
  assert.equal(loc(m, '/café'), '/café');
  assert.equal(loc(m, '/../x'), '(server) [400]');
});

test('internal locations answer 404 to external requests (error_page may take over)', () => {
  const m = matcher(`
    error_page 404 = @nf;
    location /private/ { internal; }
    location /p2/ { internal; location /p2/x/ { } }
    location @nf { }
  `);
  assert.equal(loc(m, '/private/x'), '@nf');
  assert.equal(loc(m, '/p2/x/y'), '@nf'); // internal is inherited by nested locations
});

test('rewrite ... last / break / no flag, return, error_page: followed where the config decides', () => {
  const m = matcher(`
    rewrite ^/old/(.*)$ /new/$1 last;
    location /new/ { }
    location /a/ { rewrite ^/a/(\\w+)/(.*)$ /b/$2?from=$1 last; }
    location /b/ { }
    location /c/ { rewrite ^/c/(.*)$ /b/$1 break; }
    location /d/ { rewrite ^/d/(.*)$ /x/$1; rewrite ^/x/(.*)$ /b/$1; }
    location /e/ { return 418; }
    location /f/ { error_page 418 /b/teapot; return 418; }
    location /g/ { rewrite ^ https://example.com/ permanent; }
    location /h/ { error_page 418 = @named; return 418; }
    location @named { }
    location /loop/ { rewrite ^/loop/(.*)$ /loop/$1 last; }
    location /v/ { rewrite ^ /$unknown_var last; }
    location /i/ { if ($arg_x) { return 500; } }
  `);
  assert.equal(loc(m, '/old/x'), '/new/');
  assert.equal(loc(m, '/a/one/two'), '/b/');
  assert.equal(m.match({ port: 80, host: 'x', target: '/a/one/two' }).uri, '/b/two');
  assert.equal(loc(m, '/c/z'), '/c/'); // break: stays, with the new URI
  assert.equal(loc(m, '/d/z'), '/b/'); // no flag: the rest run, then the search runs again
  assert.equal(loc(m, '/e/'), '/e/ [418]');
  assert.equal(loc(m, '/f/'), '/b/');
  assert.equal(loc(m, '/g/'), '/g/ [301]');
  assert.equal(loc(m, '/h/'), '@named');
  assert.equal(loc(m, '/loop/x'), '/loop/ [500]'); // more than 10 URI changes
  const v = m.match({ port: 80, host: 'x', target: '/v/' });
  assert.equal(v.certain, false);
  const i = m.match({ port: 80, host: 'x', target: '/i/' });
  assert.equal(where(i), '/i/');
  assert.equal(i.certain, false);
  assert.ok(i.reason.some((r) => /if \(\$arg_x\)/.test(r)));
});

test('try_files fallbacks and untranslatable regexes become candidates', () => {
  const m = matcher(`
    location / { try_files $uri $uri/ @app; }
    location /static/ { try_files $uri =404; }
    location /spa/ { try_files $uri /index.html; }
    location = /index.html { }
    location @app { proxy_pass http://127.0.0.1:3000; }
    location ~ (?R)x { }
  `);
  const r = m.match({ port: 80, host: 'x', target: '/page' });
  assert.equal(where(r), '/');
  assert.deepEqual(r.candidates.map((c) => c.name), ['(?R)x', '@app']);
  assert.equal(r.certain, false);
  assert.ok(r.reason.some((x) => /could not be evaluated \(recursion/.test(x)));
  const s = m.match({ port: 80, host: 'x', target: '/static/a.css' });
  assert.deepEqual(s.candidates.map((c) => c.name), ['(?R)x']);
  const spa = m.match({ port: 80, host: 'x', target: '/spa/route' });
  assert.ok(spa.candidates.some((c) => c.name === '/index.html'));
});

test('merge_slashes comes from the default server of the address:port', () => {
  const text = `events {}\nhttp {\n server { listen 80; merge_slashes off; location / { } location /a/b { } }\n server { listen 80; server_name named.test; location / { } location /a/b { } }\n}\n`;
  const m = new Matcher(buildConfigSet('/n.conf', { host: memoryHost({ '/n.conf': text }), catalog: defaultCatalog() }));
  const r = m.match({ port: 80, host: 'named.test', target: '//a//b' });
  assert.equal(r.server?.names[0], 'named.test');
  assert.equal(where(r), '/'); // "//a//b" kept: only the prefix "/" matches
});
