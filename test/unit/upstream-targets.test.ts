// core/upstream: the one parser of *_pass targets and the settings in effect where a request
// is made (values with their directive, or the catalog's defaults; proxy_ names mapped per module).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Model, buildConfigSet, defaultCatalog, defaultText, effectiveUpstreamSettings, lineOf, loggedSchemes, parsePassTarget, parseVersion, passNodesIn, settingValue,
  socketAddress, upstreamDirective, type ConfigNode,
} from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

test('parsePassTarget: scheme, address, host, port, default port, unix path, URI, variables', () => {
  const p = (d: string, v: string, stream = false) => {
    const t = parsePassTarget(d, v, stream);
    return [t.module, t.scheme, t.address, t.host, t.port, t.defaultPort, t.unixPath, t.uri, t.hasVariables];
  };
  assert.deepEqual(p('proxy_pass', 'http://127.0.0.1:8080/api/'), ['proxy', 'http', '127.0.0.1:8080', '127.0.0.1', 8080, 80, null, '/api/', false]);
  assert.deepEqual(p('proxy_pass', 'HTTPS://Backend'), ['proxy', 'https', 'Backend', 'Backend', null, 443, null, '', false]);
  assert.deepEqual(p('proxy_pass', 'http://[::1]:9000'), ['proxy', 'http', '[::1]:9000', '[::1]', 9000, 80, null, '', false]);
  assert.deepEqual(p('proxy_pass', 'http://unix:/run/app.sock:/x'), ['proxy', 'http', 'unix:/run/app.sock', 'unix:/run/app.sock', null, 80, '/run/app.sock', '/x', false]);
  assert.deepEqual(p('fastcgi_pass', 'unix:/run/php/php8.2-fpm.sock'), ['fastcgi', '', 'unix:/run/php/php8.2-fpm.sock', 'unix:/run/php/php8.2-fpm.sock', null, null, '/run/php/php8.2-fpm.sock', '', false]);
  assert.deepEqual(p('fastcgi_pass', 'php:9000'), ['fastcgi', '', 'php:9000', 'php', 9000, null, null, '', false]);
  assert.deepEqual(p('grpc_pass', 'grpcs://api.internal'), ['grpc', 'grpcs', 'api.internal', 'api.internal', null, 443, null, '', false]);
  assert.deepEqual(p('uwsgi_pass', 'suwsgi://app:3031'), ['uwsgi', 'suwsgi', 'app:3031', 'app', 3031, null, null, '', false]);
  assert.deepEqual(p('proxy_pass', 'http://$upstream_host$request_uri'), ['proxy', 'http', '$upstream_host$request_uri', '$upstream_host$request_uri', null, 80, null, '', true]);
  assert.deepEqual(p('proxy_pass', 'backend:12345', true), ['proxy', '', 'backend:12345', 'backend', 12345, null, null, '', false]);
  // not a host:port: the whole address stays the host
  assert.deepEqual(p('proxy_pass', 'http://a:b:c/'), ['proxy', 'http', 'a:b:c', 'a:b:c', null, 80, null, '/', false]);
});

test('loggedSchemes: what the error log writes in upstream: for each module', () => {
  const s = (d: string, v: string) => loggedSchemes(parsePassTarget(d, v));
  assert.deepEqual(s('proxy_pass', 'http://a'), ['http://']);
  assert.deepEqual(s('proxy_pass', '$target'), ['http://', 'https://']);
  assert.deepEqual(s('fastcgi_pass', 'unix:/x'), ['fastcgi://']);
  assert.deepEqual(s('grpc_pass', 'b:50051'), ['grpc://']);
  assert.deepEqual(s('grpc_pass', 'grpcs://b:50051'), ['grpcs://']);
  assert.deepEqual(s('uwsgi_pass', 'suwsgi://c'), ['suwsgi://']);
  assert.deepEqual(s('scgi_pass', 'c:4000'), ['scgi://']);
  assert.deepEqual(s('memcached_pass', 'c:11211'), ['memcached://']);
});

test('socketAddress: where a connection goes, with nginx default ports', () => {
  assert.deepEqual(socketAddress('10.0.0.1', 80), { kind: 'tcp', host: '10.0.0.1', port: 80 });
  assert.deepEqual(socketAddress('[::1]:9000', 80), { kind: 'tcp', host: '::1', port: 9000 });
  assert.deepEqual(socketAddress('App.Internal:8080', null), { kind: 'tcp', host: 'app.internal', port: 8080 });
  assert.deepEqual(socketAddress('unix:/run/x.sock', 80), { kind: 'unix', host: '/run/x.sock', port: 0 });
  assert.equal(socketAddress('$backend', 80), null);
  assert.equal(socketAddress('app', null), null, 'stream servers need a port');
  assert.equal(socketAddress('a:70000', 80), null);
  assert.equal(socketAddress('unix:', 80), null);
});

const CONF = `events {}
http {
    proxy_read_timeout 300s;
    proxy_buffers 16 8k;
    server {
        listen 80;
        location /api/ { proxy_pass http://backend; proxy_set_header Host $host; proxy_set_header X-Real-IP $remote_addr; }
        location ~ \\.php$ { fastcgi_pass unix:/run/php.sock; fastcgi_read_timeout 90s; }
        location /grpc/ { grpc_pass grpc://g:50051; }
        location /cache/ { memcached_pass m:11211; }
        location /cond/ { if ($arg_x) { proxy_pass http://10.0.0.9:81; } }
    }
    upstream backend { server 10.0.0.5:8080; }
}
`;

function setup(): { model: Model; loc: (pattern: string) => ConfigNode } {
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': CONF }), catalog: defaultCatalog() });
  const model = new Model(set);
  return { model, loc: (pattern) => model.locations.find((l) => l.d.args[l.d.args.length - 1]!.value === pattern)! };
}

test('effectiveUpstreamSettings: inherited values with their line, catalog defaults, the module\'s own names', () => {
  const { model, loc } = setup();
  const show = (pattern: string, version: string | null = null) => {
    const l = loc(pattern);
    const mod = passNodesIn(l)[0]!.target.module;
    return effectiveUpstreamSettings(model, l, mod, { version: version ? parseVersion(version) : null })
      .map((s) => `${s.name}=${settingValue(s)}${s.nodes.length ? `@${s.nodes.map(lineOf).join(',')}` : ''}`);
  };
  assert.deepEqual(show('/api/'), [
    'proxy_connect_timeout=60s', 'proxy_send_timeout=60s', 'proxy_read_timeout=300s@3', 'proxy_next_upstream=error timeout', 'proxy_next_upstream_tries=0',
    'proxy_buffer_size=4k or 8k (one memory page)', 'proxy_buffers=16 8k@4', 'proxy_http_version=1.0', 'proxy_ssl_server_name=off', 'proxy_set_header=X-Real-IP $remote_addr@7,7',
  ]);
  // the HTTP/1.1 default comes with nginx 1.29.7 (the catalog's default is today's)
  assert.ok(show('/api/', '1.29.7').includes('proxy_http_version=1.1'));
  assert.ok(show('/api/', '1.28.0').includes('proxy_http_version=1.0'));
  // fastcgi_: its own directives, not proxy_'s
  assert.deepEqual(show('\\.php$'), [
    'fastcgi_connect_timeout=60s', 'fastcgi_send_timeout=60s', 'fastcgi_read_timeout=90s@8', 'fastcgi_next_upstream=error timeout', 'fastcgi_next_upstream_tries=0',
    'fastcgi_buffer_size=4k or 8k (one memory page)', 'fastcgi_buffers=8 4k or 8 8k',
  ]);
  // grpc has no grpc_buffers directive; memcached only the timeouts
  assert.deepEqual(show('/grpc/').map((s) => s.split('=')[0]), ['grpc_connect_timeout', 'grpc_send_timeout', 'grpc_read_timeout', 'grpc_next_upstream', 'grpc_next_upstream_tries', 'grpc_buffer_size']);
  assert.deepEqual(show('/cache/').map((s) => s.split('=')[0]), ['memcached_connect_timeout', 'memcached_send_timeout', 'memcached_read_timeout']);
  // a *_pass inside if counts for its location
  assert.equal(passNodesIn(loc('/cond/'))[0]!.target.address, '10.0.0.9:81');
  assert.deepEqual(passNodesIn(loc('/cond/'), true), [], 'no *_pass at server level');
});

test('upstreamDirective and defaultText: one mapping, one way to write defaults', () => {
  assert.equal(upstreamDirective('proxy_read_timeout', 'uwsgi'), 'uwsgi_read_timeout');
  assert.equal(upstreamDirective('proxy_read_timeout', 'proxy'), 'proxy_read_timeout');
  assert.equal(upstreamDirective('resolver', 'grpc'), 'resolver');
  assert.equal(defaultText(null), '(none)');
  assert.equal(defaultText('8 4k|8k'), '8 4k or 8 8k');
  assert.equal(defaultText('4k|8k'), '4k or 8k (one memory page)');
  assert.equal(defaultText('Host $proxy_host\nConnection close'), 'Host $proxy_host; Connection close');
  assert.equal(defaultText('60s'), '60s');
});
