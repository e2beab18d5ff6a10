import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, defaultCatalog, isRootConfig, makeSourceFile, parse, snippetContext } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

const catalog = defaultCatalog();
const parsed = (path: string, text: string) => parse(makeSourceFile(path, text));

test('roots are recognised by their top-level blocks or the name nginx.conf', () => {
  assert.ok(isRootConfig(parsed('/x/site.conf', 'events {}\nhttp {}')));
  assert.ok(isRootConfig(parsed('/x/nginx.conf', 'server {}')));
  assert.ok(!isRootConfig(parsed('/x/conf.d/a.conf', 'server { listen 80; }')));
});

test('a snippet context is declared by a comment or inferred from its directives', () => {
  assert.deepEqual(snippetContext(parsed('/a.conf', 'server { listen 80; }'), catalog), { context: 'http', reason: 'default' });
  assert.deepEqual(snippetContext(parsed('/a.conf', 'listen 80;\nlocation / { }'), catalog), { context: 'server', reason: 'inferred' });
  assert.deepEqual(snippetContext(parsed('/a.conf', 'proxy_pass http://x;\nproxy_set_header A b;'), catalog), { context: 'location', reason: 'inferred' });
  assert.deepEqual(snippetContext(parsed('/a.conf', '# nginx-doctor: context location\nroot /x;'), catalog), { context: 'location', reason: 'comment' });
});

test('suppression comments silence one line, one rule or the whole file', () => {
  const files = {
    '/n/nginx.conf': `events {}
http {
    # nginx-doctor: disable-next-line invalid-flag-value -- legacy value, fixed in ticket 12
    gzip yes;
    sendfile yes;
    tcp_nopush yes; # nginx-doctor: disable-line
    # nginx-doctor: disable-next-line unknown-directive
    tcp_nodelay yes;
}`,
  };
  const a = analyze('/n/nginx.conf', { host: memoryHost(files), catalog });
  assert.deepEqual(a.diagnostics.map((d) => `${d.code}:${d.message.slice(0, 30)}`), [
    'invalid-flag-value:invalid value "yes" in "sendfi',
    'invalid-flag-value:invalid value "yes" in "tcp_no',
  ]);
  const all = analyze('/n/nginx.conf', { host: memoryHost({ '/n/nginx.conf': '# nginx-doctor: disable-file invalid-flag-value\n' + files['/n/nginx.conf'] }), catalog });
  assert.deepEqual(all.diagnostics, []);
});

test('severity settings change or silence a rule', () => {
  const files = { '/n/nginx.conf': 'events {}\nhttp { gzip yes; lisen 80; }' };
  const a = analyze('/n/nginx.conf', { host: memoryHost(files), catalog, severities: { 'invalid-flag-value': 'warning', 'unknown-directive': 'off' } });
  assert.deepEqual(a.diagnostics.map((d) => [d.code, d.severity]), [['invalid-flag-value', 'warning']]);
});

test('a directive from a newer nginx is unknown for an older configured version', () => {
  const files = { '/n/nginx.conf': 'events {}\nhttp { server { listen 80; http2 on; } }' };
  const old = analyze('/n/nginx.conf', { host: memoryHost(files), catalog, nginxVersion: '1.22.1' });
  assert.deepEqual(old.diagnostics.map((d) => d.message), ['unknown directive "http2" in this nginx version (it exists in nginx 1.25.1 and later)']);
  assert.deepEqual(analyze('/n/nginx.conf', { host: memoryHost(files), catalog, nginxVersion: '1.26.0' }).diagnostics, []);
  assert.deepEqual(analyze('/n/nginx.conf', { host: memoryHost(files), catalog }).diagnostics, []);
});
